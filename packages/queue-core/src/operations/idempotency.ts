import { Job, type JobsOptions, type Queue } from 'bullmq'
import { Cluster } from 'ioredis'
import { intEnv } from '../config.js'
import type { Redis } from '../connection.js'
import { newJobId } from '../job-id.js'
import { bullMulti } from './bull-multi.js'

/**
 * How long an idempotency key is remembered, in ms, unless the producer is told otherwise
 * (`JOBQ_IDEMPOTENCY_TTL_MS`): 24 h, independent of how long the job itself is kept.
 */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 3_600_000

/**
 * `JOBQ_IDEMPOTENCY_TTL_MS` for the env schema of every app that enqueues (producer, CLI): at
 * least 1 s, at most 366 days, default {@link DEFAULT_IDEMPOTENCY_TTL_MS}.
 */
export const idempotencyEnvShape = {
  JOBQ_IDEMPOTENCY_TTL_MS: intEnv(1_000, 366 * 24 * 3_600_000, DEFAULT_IDEMPOTENCY_TTL_MS),
}

/**
 * The Redis key that remembers idempotency key `key` of job `jobName` (in queue `queue`).
 * Outside every queue's own key space: BullMQ's keys are `<prefix>:<queue>:…` and a queue name
 * cannot hold a `.` (QUEUE_NAME_PATTERN), so `idempotency.<queue>` is never a queue's. A caller's
 * key therefore never names, nor is scanned as, one of BullMQ's keys. The key shares the
 * prefix's hash tag (`{jobq}` on a cluster), so one MULTI may touch it and the job's keys.
 */
export function idempotencyKeyOf(
  prefix: string,
  queue: string,
  jobName: string,
  key: string,
): string {
  return `${prefix}:idempotency.${queue}:${jobName}:${key}`
}

// The key's value: `p:<id>` once claimed (the job is being added under that id), then
// `c:<enqueuedAt ms>:<id>` once the job exists. Claim: answer what is held, else hold `p:<id>`
// for the window. (Not SET NX GET: that needs Redis 7, and this runs on 6.2.)
const CLAIM = `local held = redis.call('GET', KEYS[1])
if held then return held end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`

// Confirm, in the MULTI that adds the job: only if the job hash now exists (an add that failed
// leaves the claim, so a retry adds it), and only while the window lasts (XX, KEEPTTL).
const CONFIRM = `if redis.call('EXISTS', KEYS[2]) == 1 then
  return redis.call('SET', KEYS[1], ARGV[1], 'XX', 'KEEPTTL')
end
return false`

/** One job to add: BullMQ's name, data and options, and the caller's idempotency key if any. */
export interface KeyedJob {
  name: string
  data: unknown
  /** BullMQ options; `jobId` is ignored: the id comes from the key's claim or a new UUID. */
  opts: JobsOptions
  key?: string
}

/** What adding one {@link KeyedJob} did. */
export interface KeyedResult {
  id: string
  /** False when the key had already made job `id` (it may since have been removed). */
  created: boolean
  /** When job `id` was enqueued, in ms since the epoch, where the key remembers it. */
  enqueuedAt?: number
}

/** A job's result while it is added: `known` when its key's job was made before. */
type Claimed = KeyedResult & { known?: boolean }

/** Where the keys live and how long they last. */
export interface IdempotencyScope {
  redis: Redis
  prefix: string
  /** Window of each key, in ms. */
  ttlMs: number
}

/**
 * Adds `jobs` to `queue` in one MULTI (all or none; a job whose add met NOSCRIPT, which changed
 * nothing, is added again in a second one), each keyed job at most once per window.
 * Race-free on a shared, auto-pipelined connection (no WATCH, which is per connection): each key
 * is first claimed by a script; a key already confirmed answers its job without adding anything;
 * a claimed one (ours, a concurrent caller's, or one whose add never ran) is added under the
 * claimed id, and `created` is whether that id's job hash was absent when the MULTI ran, so
 * exactly one caller per key is told `created: true`.
 */
export async function addKeyed(
  queue: Queue,
  scope: IdempotencyScope,
  jobs: readonly KeyedJob[],
): Promise<KeyedResult[]> {
  const keyOf = (job: KeyedJob) => idempotencyKeyOf(scope.prefix, queue.name, job.name, job.key!)
  const fresh = jobs.map(() => newJobId(queue.name))
  // Claims in order (one pipelined batch), so a key twice in one bulk is claimed by the first
  // item and the second finds that claim.
  const claim = (job: KeyedJob, i: number): Promise<string | null> =>
    job.key === undefined
      ? Promise.resolve(null)
      : (scope.redis.eval(CLAIM, 1, keyOf(job), `p:${fresh[i]}`, scope.ttlMs) as Promise<
          string | null
        >)
  const held = await Promise.all(jobs.map(claim))
  const results = held.map((value, i): Claimed =>
    value === null ? { id: fresh[i]!, created: true } : parseHeld(value),
  )

  let pending = jobs.flatMap((job, i) => (results[i]!.known ? [] : [i]))
  for (let attempt = 0; pending.length > 0; attempt++) {
    const { unloaded, scripts } = await addInMulti(queue, jobs, results, pending, keyOf)
    if (unloaded.length === 0) break
    if (attempt > 0) throw new Error(`Redis lost BullMQ's scripts twice: ${scripts.join(', ')}`)
    await loadScripts(scope.redis, scripts)
    pending = unloaded
  }
  return results.map(({ id, created, enqueuedAt }) => ({ id, created, enqueuedAt }))
}

/**
 * One MULTI adding `jobs[i]` for each `i` of `pending`: per job `EXISTS` (so `created` says
 * whether it was absent), BullMQ's own add script (what `Queue.addBulk` queues per job), and the
 * confirmation of its key. Answers the jobs whose add met NOSCRIPT, and those scripts' names.
 */
async function addInMulti(
  queue: Queue,
  jobs: readonly KeyedJob[],
  results: Claimed[],
  pending: readonly number[],
  keyOf: (job: KeyedJob) => string,
): Promise<{ unloaded: number[]; scripts: string[] }> {
  const { multi, add: queueAdd } = await bullMulti(queue)
  const replies: { i: number; exists: number; add: number; script: string }[] = []
  let at = 0
  for (const i of pending) {
    const job = jobs[i]!
    const result = results[i]!
    const bullJob = new Job(queue, job.name, job.data, { ...job.opts, jobId: result.id }, result.id)
    const jobKey = queue.toKey(result.id)
    const exists = job.key === undefined ? -1 : at++
    if (job.key !== undefined) multi.exists(jobKey)
    const script = await queueAdd(bullJob)
    replies.push({ i, exists, add: at++, script })
    if (job.key !== undefined) {
      multi.eval(CONFIRM, 2, keyOf(job), jobKey, `c:${bullJob.timestamp}:${result.id}`)
      at++
    }
    result.enqueuedAt = bullJob.timestamp
  }
  // Null only when a WATCH fails (none here); an error queued in it aborts the whole MULTI.
  const exec = await multi.exec()
  if (!exec) throw new Error('the MULTI adding the jobs was aborted; nothing was added')
  const unloaded = replies.filter(({ add }) => isNoScript(exec[add]?.[0]))
  const failure = exec.find(([err]) => err && !isNoScript(err))?.[0]
  if (failure) throw failure
  for (const { i, exists } of replies) {
    if (exists >= 0) results[i]!.created = exec[exists]?.[1] === 0
  }
  return {
    unloaded: unloaded.map((r) => r.i),
    scripts: [...new Set(unloaded.map((r) => r.script))],
  }
}

/** Whether a reply is Redis's NOSCRIPT (a script it does not hold): nothing ran. */
export const isNoScript = (err: Error | null | undefined) => !!err?.message.startsWith('NOSCRIPT')

/**
 * Loads BullMQ's scripts `names` into Redis (every master of a cluster). Needed when Redis lost
 * them while the connection stayed up (SCRIPT FLUSH), or when the first MULTI that sent one on
 * this connection was discarded (EXECABORT): ioredis then takes it for loaded and sends only its
 * SHA, and inside a MULTI it cannot fall back to the script itself. A job whose add met NOSCRIPT
 * changed nothing (its key is confirmed only if the job exists), so it is added again after this.
 */
export async function loadScripts(redis: Redis, names: readonly string[]): Promise<void> {
  const known = redis.scriptsSet as Record<string, { lua: string } | undefined>
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis]
  for (const name of names) {
    const lua = known[name]?.lua
    if (!lua) throw new Error(`BullMQ script ${name} is not defined on this connection`)
    await Promise.all(nodes.map((node) => node.script('LOAD', lua)))
  }
}

/** A key's value: a confirmed job (`known`, not created again) or a claim to add under. */
function parseHeld(value: string): Claimed {
  if (value.startsWith('c:')) {
    const at = value.indexOf(':', 2)
    const enqueuedAt = Number(value.slice(2, at))
    return { id: value.slice(at + 1), created: false, enqueuedAt, known: true }
  }
  return { id: value.slice(2), created: true }
}
