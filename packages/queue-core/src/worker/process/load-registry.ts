import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AnyRegistry } from '../../registry.js'

/**
 * Imports a module by specifier from the app's own location: an app passes
 * `(specifier) => import(specifier)`, so a package name (`@jobq/jobs`) resolves among the app's
 * dependencies (queue-core depends on no job package).
 */
export type ImportModule = (specifier: string) => Promise<unknown>

/**
 * Imports the registry to serve: `@jobq/jobs` by default, or another module that exports
 * `registry` (JOBQ_REGISTRY). Paths are resolved from the current directory. Throws `TypeError`
 * when the module exports no registry.
 */
export async function loadRegistry(
  specifier: string,
  importModule: ImportModule,
): Promise<AnyRegistry> {
  const isPath = specifier.startsWith('.') || isAbsolute(specifier)
  const url = isPath ? pathToFileURL(resolve(specifier)).href : specifier
  const mod = (await importModule(url)) as { registry?: AnyRegistry }
  if (!mod.registry || typeof mod.registry.job !== 'function') {
    throw new TypeError(`${specifier} does not export a registry (export const registry = ...)`)
  }
  return mod.registry
}
