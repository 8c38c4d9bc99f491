import type { AnyRegistry } from '../registry.js'
import { lockedJobOf, type RegistryLock } from './registry-lock.js'
import { breakingChanges, type BreakingKind } from './schema-compare.js'

/** A change of the registry against its lock that could break queued jobs or readers. */
export interface LockBreak {
  job: string
  /** The payload version it concerns. */
  version: number
  /** Where: `data.<field>` for an input, `result.<field>` for the output, `-` for the job. */
  field: string
  kind: BreakingKind | 'removed-job' | 'removed-version' | 'changed-output'
  /** One line for people: what changed and what to do. */
  message: string
}

/**
 * Compares `registry` with `lock` (`jobq registry check`). A change breaks when a job already in
 * Redis, or a reader of results already written, could no longer be served:
 *  - a job of the lock is gone (its queued jobs would never run);
 *  - a locked version's input no longer accepts what it accepted (removed or newly required
 *    field, narrowed type or bounds, removed enum value), or the version is gone;
 *  - the output changed for readers (a field removed or made optional, a type widened) while the
 *    version stayed the same.
 * Raising `version` with an upcaster is the way to change an input: the old version's schema
 * stays (in `olderVersions`) and is compared, the new one is new. Anything new passes: new jobs,
 * new versions, new optional fields, widened input types, new enum values.
 */
export function checkRegistryLock(registry: AnyRegistry, lock: RegistryLock): LockBreak[] {
  const breaks: LockBreak[] = []
  for (const [name, locked] of Object.entries(lock.jobs)) {
    const definition = registry.job(name)
    if (!definition) {
      breaks.push({
        job: name,
        version: locked.version,
        field: '-',
        kind: 'removed-job',
        message:
          `job "${name}" is gone, but jobs of it may still be queued: drain its queue first, ` +
          'then run `jobq registry lock --force`',
      })
      continue
    }
    const now = lockedJobOf(definition)
    for (const [key, schema] of Object.entries(locked.input)) {
      const version = Number(key)
      const current = now.input[key]
      if (!current) {
        breaks.push({
          job: name,
          version,
          field: '-',
          kind: 'removed-version',
          message: `version ${version} of "${name}" is gone: its queued jobs could not be upcast`,
        })
        continue
      }
      for (const change of breakingChanges(schema, current, 'data')) {
        const bump =
          version === now.version ? `; raise version to ${version + 1} with an upcaster` : ''
        breaks.push({
          job: name,
          version,
          field: change.path,
          kind: change.kind,
          message: `input of version ${version}, ${change.path}: ${change.detail}${bump}`,
        })
      }
    }
    // Readers of results: the output may change only with a new version.
    if (now.version !== locked.version) continue
    for (const change of breakingChanges(now.output, locked.output, 'result', { readers: true })) {
      breaks.push({
        job: name,
        version: locked.version,
        field: change.path,
        kind: 'changed-output',
        message:
          `output of version ${locked.version}, ${change.path}: ${outputDetail(change.kind, change.detail)}` +
          '; readers of results would break (raise the version to change it)',
      })
    }
  }
  return breaks
}

/** The comparer looks at old results through the new schema's eyes: say it the reader's way. */
function outputDetail(kind: BreakingKind, detail: string): string {
  if (kind === 'newly-required-field') return 'no longer always in the result (removed or optional)'
  if (kind === 'narrowed-type' || kind === 'removed-enum-value')
    return `widened: ${detail.replace('no longer accepts', 'may now be')}`
  return detail
}
