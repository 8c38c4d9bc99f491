import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AnyRegistry } from '@jobq/queue-core'

/**
 * Imports the registry to serve: `@jobq/jobs` by default, or another module that exports
 * `registry` (JOBQ_REGISTRY). Paths are resolved from the current directory.
 */
export async function loadRegistry(specifier: string): Promise<AnyRegistry> {
  const isPath = specifier.startsWith('.') || isAbsolute(specifier)
  const url = isPath ? pathToFileURL(resolve(specifier)).href : specifier
  const mod = (await import(url)) as { registry?: AnyRegistry }
  if (!mod.registry || typeof mod.registry.job !== 'function') {
    throw new TypeError(`${specifier} does not export a registry (export const registry = ...)`)
  }
  return mod.registry
}
