import { z } from 'zod'
import type { AnyJobDefinition } from '../define-job.js'
import type { AnyRegistry } from '../registry.js'
import { currentVersionOf, inputSchemaOf, versionsOf } from '../versions.js'
import type { JsonSchema } from './schema-compare.js'

/** The lock file's format; a reader refuses another. */
const LOCK_FORMAT = 1

/** One job as the lock holds it. */
export interface LockedJob {
  queue: string
  /** Its current payload version. */
  version: number
  /** JSON Schema of each version's input (what producers sent), by version number. */
  input: Record<string, JsonSchema>
  /** JSON Schema of the result of its current version (what readers get). */
  output: JsonSchema
}

/**
 * `packages/jobs/registry.lock.json`: every job's versions with the JSON Schema of their input and
 * output, as the registry had them when `jobq registry lock` last ran. `jobq registry check`
 * compares the registry with it (registry-check.ts).
 */
export interface RegistryLock {
  lockFormat: typeof LOCK_FORMAT
  jobs: Record<string, LockedJob>
}

/** The JSON Schema of a job's schema, as producers (`input`) or readers (`output`) see it. */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
    io,
  }) as Record<string, unknown>
  return json
}

/** One job's entry of the lock. */
export function lockedJobOf(definition: AnyJobDefinition): LockedJob {
  const input = Object.fromEntries(
    versionsOf(definition).map((v) => [
      String(v),
      jsonSchemaOf(inputSchemaOf(definition, v)!, 'input'),
    ]),
  )
  return {
    queue: definition.queue,
    version: currentVersionOf(definition),
    input,
    output: jsonSchemaOf(definition.output, 'output'),
  }
}

/** The lock of `registry` as it is now, jobs in name order (a stable file to diff). */
export function registryLockOf(registry: AnyRegistry): RegistryLock {
  const jobs = [...registry.all()].sort((a, b) => a.name.localeCompare(b.name))
  return {
    lockFormat: LOCK_FORMAT,
    jobs: Object.fromEntries(jobs.map((j) => [j.name, lockedJobOf(j)])),
  }
}

/**
 * Reads a lock file's text. Throws `TypeError` naming what is wrong when it is not a lock of
 * this format (hand-edited, or written by another jobq).
 */
export function parseRegistryLock(text: string): RegistryLock {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new TypeError(`the lock is not JSON: ${(err as Error).message}`, { cause: err })
  }
  const lock = parsed as Partial<RegistryLock> | null
  if (lock?.lockFormat !== LOCK_FORMAT || typeof lock.jobs !== 'object' || lock.jobs === null) {
    throw new TypeError(`the lock is not a jobq registry lock of format ${LOCK_FORMAT}`)
  }
  for (const [name, job] of Object.entries(lock.jobs)) {
    const ok =
      Number.isInteger(job?.version) && typeof job?.input === 'object' && job.output !== undefined
    if (!ok) throw new TypeError(`the lock's entry of "${name}" lacks version, input or output`)
  }
  return lock as RegistryLock
}

/** The lock as its file holds it: two-space JSON and a final newline (prettier leaves it so). */
export function formatRegistryLock(lock: RegistryLock): string {
  return `${JSON.stringify(lock, null, 2)}\n`
}
