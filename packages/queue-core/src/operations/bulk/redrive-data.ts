import type { Job } from 'bullmq'
import type { AnyJobDefinition } from '../../define-job.js'
import { VERSION_OPTION } from '../../versions.js'
import type { OperationsContext } from '../context.js'
import { dropEntries, entriesOf, queueIndexWrites } from '../search-index.js'
import { validateItems } from '../validate-items.js'

/** An edited payload for a redrive, checked once against the job's current input schema. */
export interface RedriveData {
  /** The job name the payload is for: jobs of other names are skipped. */
  name: string
  /** The parsed payload (defaults applied) as stored. */
  json: string
  /**
   * The job's stored options restamped with the current payload version (a versioned job only:
   * the edited payload is of the current version, so the worker must not upcast it); '' keeps
   * them.
   */
  optsOf(job: Job): Promise<string>
  /** Moves the job's search index entries from its old payload to the new one. */
  reindex(job: Job): Promise<void>
}

/**
 * Validates `data` against job `definition`'s input, as an enqueue does: throws
 * `JobValidationError` (400, nothing moved) naming every invalid field.
 */
export function redriveDataOf(
  ctx: OperationsContext,
  definition: AnyJobDefinition,
  data: unknown,
): RedriveData {
  const [valid] = validateItems(definition, [{ data }])
  const parsed = valid!.data
  const queue = ctx.queueOf(definition.queue)
  return {
    name: definition.name,
    json: JSON.stringify(parsed),
    async optsOf(job) {
      if (definition.version === undefined) return ''
      const raw = await ctx.guard(() => ctx.connection.hget(queue.toKey(job.id!), 'opts'))
      const opts = JSON.parse(raw ?? '{}') as Record<string, unknown>
      return JSON.stringify({ ...opts, [VERSION_OPTION]: definition.version })
    },
    async reindex(job) {
      if (!definition.search) return
      const before = entriesOf(definition, job.data)
      const after = entriesOf(definition, parsed)
      if (before.join('\n') === after.join('\n')) return
      await ctx.guard(() => dropEntries(ctx.connection, queue, before, job.id!))
      const multi = ctx.connection.multi()
      queueIndexWrites(multi, queue, after, job.id!, job.timestamp)
      await ctx.guard(() => multi.exec())
    },
  }
}
