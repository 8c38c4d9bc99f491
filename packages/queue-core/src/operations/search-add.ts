import { Job, type JobsOptions, type Queue } from 'bullmq'
import type { Redis } from '../connection.js'
import type { AnyJobDefinition } from '../define-job.js'
import { newJobId } from '../job-id.js'
import { toBullOptions } from '../job-options.js'
import type { OperationsContext } from './context.js'
import { bullMulti } from './bull-multi.js'
import { isNoScript, loadScripts } from './idempotency.js'
import { dropEntries, entriesOf, queueIndexWrites } from './search-index.js'
import type { ValidItem } from './validate-items.js'

/** One job of {@link addIndexed}: `opts.jobId` set (jobq chooses it). */
interface IndexedJob {
  data: unknown
  opts: JobsOptions & { jobId: string }
}

/**
 * Adds `jobs` of a job that declares `search` to `queue` in one MULTI, each with its index
 * entries (`search-index.ts`), so a job and its entries exist together or (on error) neither.
 * Answers each job's enqueue time (ms). A job whose add met NOSCRIPT (Redis lost BullMQ's
 * scripts) is added again in a second MULTI once they are loaded; its ZADDs simply repeat.
 */
async function addIndexed(
  queue: Queue,
  redis: Redis,
  definition: AnyJobDefinition,
  jobs: readonly IndexedJob[],
): Promise<number[]> {
  const timestamp = Date.now()
  let pending = jobs.map((_, i) => i)
  for (let attempt = 0; pending.length > 0; attempt++) {
    const { unloaded, scripts } = await addInMulti(queue, definition, jobs, pending, timestamp)
    if (unloaded.length === 0) break
    if (attempt > 0) throw new Error(`Redis lost BullMQ's scripts twice: ${scripts.join(', ')}`)
    await loadScripts(redis, scripts)
    pending = unloaded
  }
  return jobs.map(() => timestamp)
}

async function addInMulti(
  queue: Queue,
  definition: AnyJobDefinition,
  jobs: readonly IndexedJob[],
  pending: readonly number[],
  timestamp: number,
): Promise<{ unloaded: number[]; scripts: string[] }> {
  const { multi, add } = await bullMulti(queue)
  const sent: { i: number; at: number; script: string }[] = []
  let replies = 0
  for (const i of pending) {
    const { data, opts } = jobs[i]!
    const job = new Job(queue, definition.name, data, { ...opts, timestamp }, opts.jobId)
    const script = await add(job)
    sent.push({ i, at: replies++, script })
    const entries = entriesOf(definition, data)
    queueIndexWrites(multi, queue, entries, opts.jobId, timestamp)
    if (entries.length > 0) replies += entries.length + 1
  }
  const exec = await multi.exec()
  if (!exec) throw new Error('the MULTI adding the jobs was aborted; nothing was added')
  const failure = exec.find(([err]) => err && !isNoScript(err))?.[0]
  if (failure) throw failure
  const unloaded = sent.filter(({ at }) => isNoScript(exec[at]?.[0]))
  return {
    unloaded: unloaded.map((s) => s.i),
    scripts: [...new Set(unloaded.map((s) => s.script))],
  }
}

/**
 * The plain (unkeyed) enqueue of a job that declares `search`: ids made here, job and entries in
 * one MULTI ({@link addIndexed}). Answers the ids and the enqueue time (ms).
 */
export async function enqueueIndexed(
  ctx: OperationsContext,
  definition: AnyJobDefinition,
  valid: readonly ValidItem[],
): Promise<{ ids: string[]; at: number }> {
  const queue = ctx.queueOf(definition.queue)
  const jobs = valid.map(({ data, options }) => {
    const jobId = newJobId(definition.queue)
    return { data, opts: { ...toBullOptions(definition, options, jobId, ctx.retention), jobId } }
  })
  const [at = Date.now()] = await ctx.guard(() =>
    addIndexed(queue, ctx.connection, definition, jobs),
  )
  return { ids: jobs.map((job) => job.opts.jobId), at }
}

/**
 * Indexes the jobs an idempotency-keyed enqueue created (`created`), after their add: the keyed
 * add has its own MULTI, so these entries follow it in a second write (a crash between the two
 * leaves a job unindexed; README "Search" says so).
 */
export async function indexCreated(
  ctx: OperationsContext,
  definition: AnyJobDefinition,
  items: readonly { data: unknown }[],
  added: readonly { id: string; created: boolean; enqueuedAt?: number | undefined }[],
): Promise<void> {
  const queue = ctx.queueOf(definition.queue)
  const multi = ctx.connection.multi()
  added.forEach(({ id, created, enqueuedAt = Date.now() }, i) => {
    if (created)
      queueIndexWrites(multi, queue, entriesOf(definition, items[i]!.data), id, enqueuedAt)
  })
  await ctx.guard(() => multi.exec())
}

/**
 * Drops the index entries of a job jobq has just removed (cancel): at once, not left to a
 * search's prune or the sweep. A job of a name the registry no longer knows has none to drop.
 */
export async function dropIndexOf(
  ctx: OperationsContext,
  job: { id?: string | undefined; name: string; queueName: string; data: unknown },
): Promise<void> {
  const definition = ctx.registry.job(job.name)
  if (!definition?.search || job.id === undefined) return
  const entries = entriesOf(definition, job.data)
  await ctx.guard(() => dropEntries(ctx.connection, ctx.queueOf(job.queueName), entries, job.id!))
}
