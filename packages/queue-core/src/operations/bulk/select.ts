import type { Queue } from 'bullmq'
import type { BulkAction, BulkFilter, BulkActionRequest } from '../../contracts/bulk.js'
import { isValidJobId } from '../../enqueue-options.js'
import { JobNotFoundError, JobValidationError } from '../../errors.js'
import { BULLMQ_TYPES, type JobState } from '../../job-state.js'
import type { OperationsContext } from '../context.js'
import { findJob } from '../find-job.js'
import { searchJobs } from '../search.js'
import { boundsOf, readRange } from './walk.js'

/**
 * Most jobs one operation selects: its ids are held in the process that runs it (about 5 MB at
 * 100,000), and a dry run answers within a few seconds. A filter matching more says `more`.
 */
const MAX_MATCHED = 100_000
/** Entries read per round trip of a state walk. */
const WALK_BATCH = 500
/** Most entries one state walk reads: bounds the time a selection takes on a huge set. */
const MAX_WALKED = 1_000_000
/** The filter keys that are not search fields. */
const FIXED = new Set(['name', 'queue', 'state', 'from', 'to', 'reason'])

/** One job a bulk action will be tried on. */
export interface Target {
  id: string
  /** Its queue; undefined for an id no queue holds (it is skipped). */
  queue?: Queue | undefined
  /**
   * For retry and redrive: its score in the failed set when it was selected (BullMQ's
   * `finishedOn`), so the action moves that failure only, never a later one (`act.ts`).
   */
  failedAt?: string | undefined
}

/** The jobs a bulk action will be tried on, newest first, deduplicated. */
export interface Selection {
  targets: Target[]
  /** True when the filter matches more than {@link MAX_MATCHED}. */
  more: boolean
}

/** The state an action acts from, when it acts from one only. */
const IMPLIED: Partial<Record<BulkAction, JobState>> = {
  retry: 'failed',
  redrive: 'failed',
  promote: 'delayed',
}

const refuse = (path: string, message: string) =>
  new JobValidationError(`invalid bulk request: ${message}`, [{ path, message }])

/**
 * Selects the jobs of `request` for `action`: its ids as given, or every job its filter
 * matches: with search fields, the search's pages (`search.ts`); else a walk of one state's
 * sets of one queue. Throws `JobValidationError` (a filter that selects no state, a state the
 * action never acts on, malformed ids or fields), `UnknownJobError`, `UnknownQueueError`.
 */
export async function selectJobs(
  ctx: OperationsContext,
  action: BulkAction,
  request: BulkActionRequest,
): Promise<Selection> {
  let found: { queue?: Queue | undefined; ids: string[]; more: boolean }
  if (request.ids) {
    const bad = request.ids.findIndex((id) => !isValidJobId(id))
    if (bad >= 0) throw refuse(`ids.${bad}`, 'not a job id')
    found = { ids: [...new Set(request.ids)], more: false }
  } else {
    const filter = request.filter!
    const state = stateOf(action, filter)
    const hasFields = Object.keys(filter).some((key) => !FIXED.has(key))
    found = await (hasFields
      ? selectBySearch(ctx, filter, state)
      : selectByWalk(ctx, filter, state))
  }
  const targets: Target[] = []
  for (let at = 0; at < found.ids.length; at += SNAPSHOT_CHUNK) {
    const ids = found.ids.slice(at, at + SNAPSHOT_CHUNK)
    targets.push(...(await ctx.guard(() => targetsOf(ctx, action, found.queue, ids))))
  }
  return { targets, more: found.more }
}

/** Ids resolved (and scored in their failed set) per round trip. */
const SNAPSHOT_CHUNK = 1_000

/** Each id with its queue (found by id when the selection has none) and, for retry and redrive, its failed score. */
async function targetsOf(
  ctx: OperationsContext,
  action: BulkAction,
  queue: Queue | undefined,
  ids: readonly string[],
): Promise<Target[]> {
  const queues = await Promise.all(ids.map(async (id) => queue ?? queueHolding(ctx, id)))
  if (IMPLIED[action] !== 'failed') return ids.map((id, i) => ({ id, queue: queues[i] }))
  const scores = await Promise.all(
    ids.map(async (id, i) => queues[i] && ctx.connection.zscore(queues[i].toKey('failed'), id)),
  )
  return ids.map((id, i) => ({ id, queue: queues[i], failedAt: scores[i] ?? undefined }))
}

function stateOf(action: BulkAction, filter: BulkFilter): JobState {
  const implied = IMPLIED[action]
  if (implied && filter.state !== undefined && filter.state !== implied) {
    throw refuse('filter.state', `${action} acts on ${implied} jobs only`)
  }
  const state = implied ?? filter.state
  if (state === undefined) throw refuse('filter.state', `${action} needs a state to act on`)
  return state
}

async function selectBySearch(
  ctx: OperationsContext,
  filter: BulkFilter,
  state: JobState,
): Promise<{ queue: Queue; ids: string[]; more: boolean }> {
  if (filter.name === undefined) throw refuse('filter.name', 'search fields need the job name')
  const queue = ctx.queueOf(ctx.jobOf(filter.name).queue)
  const ids = new Set<string>()
  let cursor: string | undefined
  do {
    const page = await searchJobs(ctx, {
      ...filter,
      state,
      limit: '200',
      ...(cursor !== undefined && { cursor }),
    })
    for (const job of page.jobs) {
      if (ids.size === MAX_MATCHED) return { queue, ids: [...ids], more: true }
      ids.add(job.id)
    }
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
  return { queue, ids: [...ids], more: false }
}

async function selectByWalk(
  ctx: OperationsContext,
  filter: BulkFilter,
  state: JobState,
): Promise<{ queue: Queue; ids: string[]; more: boolean }> {
  const queue = queueOfFilter(ctx, filter)
  const walk = {
    name: filter.name,
    reason: filter.reason?.toLowerCase(),
    ...boundsOf(filter.from, filter.to),
  }
  const ids = new Set<string>()
  let walked = 0
  for (const type of BULLMQ_TYPES[state]) {
    for (let rank = 0; ; rank += WALK_BATCH) {
      const entries = await ctx.guard(() =>
        readRange(ctx.connection, queue, type, rank, WALK_BATCH, walk),
      )
      walked += entries.length
      for (const entry of entries) {
        if (!entry.match) continue
        if (ids.size === MAX_MATCHED) return { queue, ids: [...ids], more: true }
        ids.add(entry.id)
      }
      if (entries.length < WALK_BATCH) break
      if (walked >= MAX_WALKED) return { queue, ids: [...ids], more: true }
    }
  }
  return { queue, ids: [...ids], more: false }
}

/** The queue holding job `id`, or undefined when none does. */
async function queueHolding(ctx: OperationsContext, id: string): Promise<Queue | undefined> {
  try {
    return ctx.queueOf((await findJob(ctx, id)).job.queueName)
  } catch (err) {
    if (err instanceof JobNotFoundError) return undefined
    throw err
  }
}

/** The queue a filter names (by `queue`, or `name`'s queue); both given must agree. */
export function queueOfFilter(
  ctx: OperationsContext,
  filter: { name?: string | undefined; queue?: string | undefined },
): Queue {
  if (filter.name !== undefined) {
    const definition = ctx.jobOf(filter.name)
    if (filter.queue !== undefined && filter.queue !== definition.queue) {
      throw refuse('queue', `job "${definition.name}" runs on queue "${definition.queue}"`)
    }
    return ctx.queueOf(definition.queue)
  }
  if (filter.queue === undefined) throw refuse('queue', 'give the job name or the queue')
  return ctx.queueOf(filter.queue)
}
