import type { z } from 'zod'
import type { AnyJobDefinition } from './define-job.js'

/**
 * Payload versions of a job (issue 16). A definition may declare its current `version` (an
 * integer ≥ 2) and, in `olderVersions`, the input schema of every version before it with an
 * upcaster to the next one. Every job enqueued for such a definition carries the version its
 * input was validated against under {@link VERSION_OPTION} in its BullMQ options (BullMQ keeps
 * options it does not know; `data` stays the handler's input, so views, previews, search and the
 * dashboard read it as before). A job without the stamp is version 1: every job enqueued before
 * its definition declared versions, and every job of a definition without versions (which
 * carries no stamp at all, so such jobs pay nothing).
 */

/** The BullMQ job option that carries a job's payload version. */
export const VERSION_OPTION = 'jobqVersion'

/** One older version of a job's input, and how to turn it into the next version's input. */
export interface OlderVersion<Input extends z.ZodType = z.ZodType> {
  /** That version's input schema, as its producers validated it. */
  input: Input
  /**
   * Turns a payload of this version (parsed by `input`) into one of the next version; the
   * worker validates the result with that version's schema. Must be pure: it runs on every
   * start of the job.
   */
  upcast(data: z.output<Input>): unknown
}

/** Older versions by number: `{ 1: olderVersion(v1Schema, (v1) => v2Payload) }`. */
export type OlderVersions = Readonly<Record<number, OlderVersion>>

/** Declares an older version with its upcaster typed by its own schema. */
export function olderVersion<Input extends z.ZodType>(
  input: Input,
  upcast: (data: z.output<Input>) => unknown,
): OlderVersion<Input> {
  return { input, upcast }
}

/** What the version rules read of a definition. */
type Versioned = Pick<AnyJobDefinition, 'name' | 'input' | 'version' | 'olderVersions'>

/** A definition's current version: `version`, else 1. */
export function currentVersionOf(definition: Versioned): number {
  return definition.version ?? 1
}

/** Every version a definition can run, oldest first: `[1, …, current]`. */
export function versionsOf(definition: Versioned): number[] {
  return Array.from({ length: currentVersionOf(definition) }, (_, i) => i + 1)
}

/**
 * Checks a definition's versions at `defineJob` time: `version` an integer ≥ 1, and
 * `olderVersions` holding exactly the versions 1 … version-1 (a gap would strand the jobs of the
 * missing version). Throws `TypeError` naming the job.
 */
export function checkVersions(definition: Versioned): void {
  const { name, version, olderVersions = {} } = definition
  const declared = Object.keys(olderVersions).map(Number)
  if (version === undefined) {
    if (declared.length) throw new TypeError(`job "${name}" has olderVersions but no version`)
    return
  }
  if (!Number.isInteger(version) || version < 1) {
    throw new TypeError(`job "${name}": version must be an integer ≥ 1, not ${version}`)
  }
  const expected = versionsOf(definition).slice(0, -1)
  const missing = expected.filter((v) => !olderVersions[v])
  const extra = declared.filter((v) => !expected.includes(v))
  if (missing.length || extra.length) {
    throw new TypeError(
      `job "${name}" is at version ${version}: olderVersions must declare exactly ` +
        `${expected.join(', ') || 'none'} (each with its input and an upcaster to the next)` +
        (missing.length ? `; missing ${missing.join(', ')}` : '') +
        (extra.length ? `; not older than ${version}: ${extra.join(', ')}` : ''),
    )
  }
}

/** The input schema of `version` of a definition, or undefined when it has no such version. */
export function inputSchemaOf(definition: Versioned, version: number): z.ZodType | undefined {
  if (version === currentVersionOf(definition)) return definition.input
  return definition.olderVersions?.[version]?.input
}

/** The version a job's options carry (a number ≥ 1), else 1: the unstamped jobs' version. */
export function versionOfJob(opts: object | undefined): number {
  const stamped = (opts as Record<string, unknown> | undefined)?.[VERSION_OPTION]
  return typeof stamped === 'number' && Number.isInteger(stamped) && stamped >= 1 ? stamped : 1
}

/** Why a payload could not be brought to the current version. */
export class UpcastError extends Error {
  override readonly name = 'UpcastError'
}

/**
 * Brings `data` of `version` up to the definition's current version: each older version's input
 * is parsed by its own schema, then upcast to the next; the caller validates the result with the
 * current schema (run-job.ts). Throws {@link UpcastError} when a payload does not match its
 * version's schema or an upcaster throws; `version` must be one the definition knows.
 */
export function upcastToCurrent(definition: Versioned, version: number, data: unknown): unknown {
  const current = currentVersionOf(definition)
  let payload = data
  for (let v = version; v < current; v++) {
    const older = definition.olderVersions?.[v]
    if (!older) throw new UpcastError(`job "${definition.name}" has no version ${v}`)
    const parsed = older.input.safeParse(payload)
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => `${['data', ...i.path].join('.')}: ${i.message}`)
      throw new UpcastError(`invalid input of version ${v}: ${where.join('; ')}`)
    }
    try {
      payload = older.upcast(parsed.data)
    } catch (err) {
      throw new UpcastError(
        `upcast from version ${v} to ${v + 1} failed: ${err instanceof Error ? err.message : String(err)}`,
      )
    }
  }
  return payload
}
