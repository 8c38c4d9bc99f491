import type { Job, Queue } from 'bullmq'
import { SearchQuery, type SearchPage } from '../contracts/search.js'
import { JobValidationError } from '../errors.js'
import type { JobState } from '../job-state.js'
import { toJobView } from '../job-view.js'
import { previewJobView } from '../preview.js'
import { searchValueOf } from '../search-fields.js'
import { TolerantJob } from '../tolerant-job.js'
import type { OperationsContext } from './context.js'
import { parseInput } from './parse-input.js'
import { decodeCursor, encodeCursor, type Entry } from './search-cursor.js'
import { statesOf } from './search-state.js'

/** Index entries one page reads at most: a selective state or reason may leave it short. */
const MAX_EXAMINED = 5_000
/** Entries read per round trip. */
const BATCH = 200

const FIXED = new Set(Object.keys(SearchQuery.shape))

/** A search's filters, parsed: the fixed ones and the field filters (index keys). */
interface Plan {
  query: SearchQuery
  queue: Queue
  /** The index keys to match, the smallest first (it drives the walk). */
  keys: string[]
  from: number
  to: number
}

/**
 * Jobs of `input.name` whose declared search fields equal the given values, newest first, as
 * previews, one page at a time (see `SearchQuery`, README "Search"). Throws
 * `JobValidationError` (a bad filter, a field the job does not declare, no field filter, a
 * malformed cursor), `UnknownJobError`.
 */
export async function searchJobs(
  ctx: OperationsContext,
  input: Record<string, unknown>,
): Promise<SearchPage> {
  const plan = await planOf(ctx, input)
  const driver = plan.keys[0]!
  let rank = await ctx.guard(() => startRank(ctx, driver, plan))
  const jobs: SearchPage['jobs'] = []
  let examined = 0
  let last: Entry | undefined
  while (jobs.length < plan.query.limit && examined < MAX_EXAMINED) {
    const count = Math.min(batchOf(plan, plan.query.limit - jobs.length), MAX_EXAMINED - examined)
    const { entries, end } = await ctx.guard(() => readEntries(ctx, driver, rank, count, plan.from))
    const missing = plan.query.limit - jobs.length
    const checked = await ctx.guard(() => matches(ctx, plan, entries, missing))
    let used = 0
    for (const { entry, view } of checked) {
      if (jobs.length === plan.query.limit) break
      used++
      last = entry
      if (view) jobs.push(view)
    }
    examined += used
    if (end && used === entries.length) return { jobs, nextCursor: null, examined }
    rank += count
  }
  return { jobs, nextCursor: last ? encodeCursor(last) : null, examined }
}

/**
 * Entries to read next: with only one field and no other filter every live entry matches, so
 * read what the page still needs (each read loads the job and asks its state); else a batch.
 */
function batchOf(plan: Plan, missing: number): number {
  const { state, reason } = plan.query
  const filtered = plan.keys.length > 1 || state !== undefined || reason !== undefined
  return filtered ? BATCH : Math.min(BATCH, missing)
}

async function planOf(ctx: OperationsContext, input: Record<string, unknown>): Promise<Plan> {
  const fixed = Object.fromEntries(Object.entries(input).filter(([k]) => FIXED.has(k)))
  const query = parseInput(SearchQuery, fixed, 'search')
  const { definition, queue } = targetOf(ctx, query)
  const fields = Object.entries(input).filter(([k]) => !FIXED.has(k))
  const declared: readonly string[] = definition.search ?? []
  if (fields.length === 0) {
    throw refuse(
      '',
      `give at least one search field of "${definition.name}": ${declared.join(', ') || '(none declared)'}`,
    )
  }
  const keys = fields.map(([field, raw]) => {
    if (!declared.includes(field)) {
      throw refuse(
        field,
        `not a search field of "${definition.name}" (${declared.join(', ') || 'none declared'})`,
      )
    }
    const value = searchValueOf(raw)
    if (value === undefined || typeof raw !== 'string')
      throw refuse(field, 'must be one non-empty value')
    return queue.toKey(`idx:${definition.name}:${field}:${value}`)
  })
  return { query, queue, keys: await smallestFirst(ctx, keys), ...boundsOf(query) }
}

const refuse = (path: string, message: string) =>
  new JobValidationError(`invalid search: ${message}`, [{ path, message }])

/**
 * The job searched and its queue. `queue` is checked first (an unknown one throws
 * `UnknownQueueError`); without `name` the search is refused: the index is per job and field,
 * so a queue alone has nothing to walk, and listing a queue is the list route's work.
 */
function targetOf(ctx: OperationsContext, query: SearchQuery) {
  const named = query.queue === undefined ? undefined : ctx.queueOf(query.queue)
  if (query.name === undefined) {
    const list = named
      ? `to list queue "${query.queue}", use GET /v1/queues/${query.queue}/jobs?state= (jobq jobs ${query.queue})`
      : 'a search reads the index of one job'
    throw refuse('name', `give the job's name (name=): ${list}`)
  }
  const definition = ctx.jobOf(query.name)
  if (query.queue !== undefined && query.queue !== definition.queue) {
    throw refuse(
      'queue',
      `job "${definition.name}" runs on queue "${definition.queue}", not on queue "${query.queue}"`,
    )
  }
  return { definition, queue: named ?? ctx.queueOf(definition.queue) }
}

function boundsOf(query: SearchQuery): { from: number; to: number } {
  return {
    from: query.from === undefined ? -Infinity : Date.parse(query.from),
    to: query.to === undefined ? Infinity : Date.parse(query.to),
  }
}

/** The index keys, the one with the fewest entries first. */
async function smallestFirst(ctx: OperationsContext, keys: string[]): Promise<string[]> {
  if (keys.length === 1) return keys
  const sizes = await ctx.guard(() => Promise.all(keys.map((key) => ctx.connection.zcard(key))))
  return keys
    .map((key, i) => ({ key, size: sizes[i]! }))
    .sort((a, b) => a.size - b.size)
    .map((k) => k.key)
}

/**
 * The rank (newest first) to read from: just after the cursor's entry (found by ZREVRANK, or,
 * when a prune removed it, the first entry older than its time), else the first entry at or
 * before `to`.
 */
async function startRank(ctx: OperationsContext, key: string, plan: Plan): Promise<number> {
  const redis = ctx.connection
  if (plan.query.cursor === undefined) {
    return plan.to === Infinity ? 0 : redis.zcount(key, `(${plan.to}`, '+inf')
  }
  const cursor = decodeCursor(plan.query.cursor)
  const rank = await redis.zrevrank(key, cursor.id)
  return rank === null ? redis.zcount(key, cursor.score, '+inf') : rank + 1
}

/**
 * Up to `count` entries from `rank` on, newest first, none older than `from`; `end` when the
 * walk can stop after them.
 */
async function readEntries(
  ctx: OperationsContext,
  key: string,
  rank: number,
  count: number,
  from: number,
): Promise<{ entries: Entry[]; end: boolean }> {
  const flat = await ctx.connection.zrevrange(key, rank, rank + count - 1, 'WITHSCORES')
  const entries: Entry[] = []
  for (let i = 0; i < flat.length; i += 2) {
    const score = Number(flat[i + 1])
    if (score < from) return { entries, end: true }
    entries.push({ id: flat[i]!, score })
  }
  // A short read: the key has no more entries.
  return { entries, end: entries.length < count }
}

/**
 * The entries in order, each with its job's preview when the job matches every filter, up to
 * the one that makes `needed` matches (the rest are not examined). The other fields are checked
 * first (ZSCORE); jobs are loaded only for entries that pass, and, when no state or reason
 * filter can still refuse them, no more at a time than matches are still needed.
 */
async function matches(
  ctx: OperationsContext,
  plan: Plan,
  entries: readonly Entry[],
  needed: number,
) {
  const others = plan.keys.slice(1)
  const inOthers = await Promise.all(
    entries.map((e) => Promise.all(others.map((key) => ctx.connection.zscore(key, e.id)))),
  )
  const passing = inOthers.map((scores) => scores.every((s) => s !== null))
  const sure = plan.query.state === undefined && plan.query.reason === undefined
  const out: { entry: Entry; view: ReturnType<typeof viewIf> }[] = []
  let found = 0
  for (let at = 0; at < entries.length && found < needed;) {
    // The next chunk: up to the passing entry that could complete the page.
    let end = at
    for (let take = 0; end < entries.length && (!sure || take < needed - found); end++) {
      if (passing[end]) take++
    }
    const chunk = entries.slice(at, end)
    const loaded = await load(
      ctx,
      plan.queue,
      chunk.map((e, k) => (passing[at + k] ? e.id : null)),
    )
    const gone = chunk.filter((_, k) => loaded[k] === undefined).map((e) => e.id)
    if (gone.length > 0) await ctx.connection.zrem(plan.keys[0]!, ...gone)
    chunk.forEach((entry, k) => {
      const view = viewIf(plan.query, loaded[k])
      if (view) found++
      out.push({ entry, view })
    })
    at = end
  }
  return out
}

/**
 * Each id's job and state (one Lua call for the states, `search-state.ts`); `undefined` when its
 * hash is gone, so its entry can be pruned; `null` where no id was given (not loaded).
 */
async function load(ctx: OperationsContext, queue: Queue, ids: readonly (string | null)[]) {
  const wanted = ids.filter((id): id is string => id !== null)
  const [states, jobs] = await Promise.all([
    statesOf(ctx.connection, queue, wanted),
    Promise.all(wanted.map((id) => TolerantJob.fromId(queue, id))),
  ])
  let next = 0
  return ids.map((id) => {
    if (id === null) return null
    const [state, job] = [states[next], jobs[next]]
    next++
    return job && state ? { job, state } : undefined
  })
}

function viewIf(query: SearchQuery, loaded: { job: Job; state: JobState } | null | undefined) {
  if (!loaded) return undefined
  const { job, state } = loaded
  if (query.state !== undefined && state !== query.state) return undefined
  if (query.reason !== undefined) {
    const reason = job.failedReason?.toLowerCase() ?? ''
    if (!reason.includes(query.reason.toLowerCase())) return undefined
  }
  return previewJobView(toJobView(job, state))
}
