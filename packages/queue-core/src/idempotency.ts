import { randomUUID } from 'node:crypto'
import { Job, type IRedisTransaction, type JobsOptions, type Queue } from 'bullmq'
import type { ChainableCommander } from 'ioredis'
import { intEnv } from './config.js'
import type { Redis } from './connection.js'

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

/** Where the keys live and how long they last. */
export interface IdempotencyScope {
  redis: Redis
  prefix: string
  /** Window of each key, in ms. */
  ttlMs: number
}

/**
 * Adds `jobs` to `queue` in one MULTI (all or none), each keyed job at most once per window.
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
  const fresh = jobs.map(() => randomUUID())
  // Claims in order (one pipelined batch), so a key twice in one bulk is claimed by the first
  // item and the second finds that claim.
  const claim = (job: KeyedJob, i: number): Promise<string | null> =>
    job.key === undefined
      ? Promise.resolve(null)
      : (scope.redis.eval(CLAIM, 1, keyOf(job), `p:${fresh[i]}`, scope.ttlMs) as Promise<
          string | null
        >)
  const held = await Promise.all(jobs.map(claim))
  const results = held.map((value, i): KeyedResult & { known?: boolean } =>
    value === null ? { id: fresh[i]!, created: true } : parseHeld(value),
  )

  // BullMQ's client wraps ioredis: its MULTI is ioredis's, with BullMQ's scripts on it.
  const multi = (await queue.getBackend().client).multi() as IRedisTransaction & ChainableCommander
  const existsAt: number[] = [] // per job, the MULTI reply of its EXISTS (-1: none)
  let replies = 0
  for (const [i, job] of jobs.entries()) {
    const result = results[i]!
    existsAt.push(-1)
    if (result.known) continue // the key's job was made before: nothing to add
    const bullJob = new Job(queue, job.name, job.data, { ...job.opts, jobId: result.id }, result.id)
    const jobKey = queue.toKey(result.id)
    if (job.key !== undefined) {
      multi.exists(jobKey)
      existsAt[i] = replies++
    }
    // Queues BullMQ's own add script on the MULTI (what Queue.addBulk does for each job).
    await bullJob.addJob(multi)
    replies++
    if (job.key !== undefined) {
      multi.eval(CONFIRM, 2, keyOf(job), jobKey, `c:${bullJob.timestamp}:${result.id}`)
      replies++
    }
    result.enqueuedAt = bullJob.timestamp
  }
  if (replies > 0) {
    // Null only when a WATCH fails (none here); an error queued in it aborts the whole MULTI.
    const exec = await multi.exec()
    if (!exec) throw new Error('the MULTI adding the jobs was aborted; nothing was added')
    const failure = exec.find(([err]) => err)?.[0]
    if (failure) throw failure
    existsAt.forEach((at, i) => {
      if (at >= 0) results[i]!.created = exec[at]?.[1] === 0
    })
  }
  return results.map(({ id, created, enqueuedAt }) => ({ id, created, enqueuedAt }))
}

/** A key's value: a confirmed job (`known`, not created again) or a claim to add under. */
function parseHeld(value: string): KeyedResult & { known?: boolean } {
  if (value.startsWith('c:')) {
    const at = value.indexOf(':', 2)
    const enqueuedAt = Number(value.slice(2, at))
    return { id: value.slice(at + 1), created: false, enqueuedAt, known: true }
  }
  return { id: value.slice(2), created: true }
}
