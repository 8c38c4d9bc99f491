import type { BulkEnqueued, EnqueuedJob } from '../contracts/jobs.js'
import { bullDedupeOf, dedupeKeyOf, type JobDedupe } from '../dedupe.js'
import type { AnyJobDefinition } from '../define-job.js'
import { JobValidationError, type ValidationIssue } from '../errors.js'
import { toBullOptions } from '../job-options.js'
import { toPublicState } from '../job-state.js'
import type { OperationsContext } from './context.js'
import { addDeduped, type DedupedJob } from './dedupe-add.js'
import type { ValidItem } from './validate-items.js'
import { newJobId } from '../job-id.js'

/**
 * Enqueues validated `items` of a job that declares `dedupe` (see `dedupe.ts`), in order, in one
 * MULTI, and answers each one's job and `outcome`: `created`, `replaced` (debounce) or
 * `deduplicated` (the key's job, read back as it is now). Throws `JobValidationError`, changing
 * nothing, when an item also sends an idempotency key (`options.jobId`: the dedupe key already
 * decides what is a repeat), a debounced item sends `options.delay` (the quiet time is its
 * delay), or the key function refuses an input; `BackendUnavailableError` as any enqueue.
 */
export async function enqueueDeduped(
  ctx: OperationsContext,
  definition: AnyJobDefinition,
  items: readonly ValidItem[],
): Promise<EnqueuedJob[]> {
  const dedupe = definition.dedupe!
  const jobs = toDedupedJobs(ctx, definition, dedupe, items)
  const queue = ctx.queueOf(definition.queue)
  const results = await ctx.guard(() => addDeduped(queue, ctx.connection, jobs))
  const now = Date.now()
  return Promise.all(
    results.map(async ({ id, outcome, replacedId }, i): Promise<EnqueuedJob> => {
      const delay = jobs[i]!.opts.delay
      const base = { id, name: definition.name, queue: definition.queue }
      if (outcome !== 'deduplicated') {
        const state = delay ? 'delayed' : 'waiting'
        const enqueuedAt = new Date(jobs[i]!.opts.timestamp ?? now).toISOString()
        return {
          ...base,
          state,
          enqueuedAt,
          created: true,
          outcome,
          ...(replacedId && { replacedId }),
        }
      }
      // The key's job, as it is now (it may have ended, or been removed, since).
      const [state, at] = await ctx.guard(() =>
        Promise.all([queue.getJobState(id), ctx.connection.hget(queue.toKey(id), 'timestamp')]),
      )
      const enqueuedAt = new Date(at ? Number(at) : now).toISOString()
      return {
        ...base,
        state: toPublicState(state) ?? 'removed',
        enqueuedAt,
        created: false,
        outcome,
      }
    }),
  )
}

/** A bulk's answer from its items' answers. */
export function asBulk(answers: readonly EnqueuedJob[]): BulkEnqueued {
  return {
    ids: answers.map((a) => a.id),
    created: answers.map((a) => a.created),
    outcomes: answers.map((a) => a.outcome),
  }
}

/** BullMQ's jobs for `items`, each with a fresh id and its dedupe option; refuses bad ones. */
function toDedupedJobs(
  ctx: OperationsContext,
  definition: AnyJobDefinition,
  dedupe: JobDedupe,
  items: readonly ValidItem[],
): DedupedJob[] {
  const issues: ValidationIssue[] = []
  const now = Date.now()
  const jobs = items.map(({ data, options }, index): DedupedJob => {
    const at = items.length === 1 ? '' : `items.${index}.`
    if (options.jobId !== undefined) {
      issues.push({
        path: `${at}options.jobId`,
        message: `job "${definition.name}" declares dedupe (${dedupe.mode}): its dedupe key decides what is a repeat; send no jobId`,
      })
    }
    if (dedupe.mode === 'debounce' && options.delay) {
      issues.push({
        path: `${at}options.delay`,
        message: `job "${definition.name}" is debounced: it runs ${dedupe.ttlMs} ms after the last enqueue of its key; send no delay`,
      })
    }
    const key = dedupeKeyOf(definition.name, dedupe, data)
    if ('problem' in key) issues.push({ path: `${at}data`, message: key.problem })
    const id = newJobId(definition.queue)
    const extra = 'id' in key ? bullDedupeOf(dedupe, key.id) : { deduplication: { id: '' } }
    // One timestamp for the whole call: the answer's enqueuedAt is the job's own.
    const opts = {
      ...toBullOptions(definition, options, id, ctx.retention),
      ...extra,
      timestamp: now,
    }
    return { name: definition.name, data, opts: { ...opts, jobId: id } }
  })
  if (issues.length) {
    throw new JobValidationError(`invalid input for job "${definition.name}"`, issues)
  }
  return jobs
}
