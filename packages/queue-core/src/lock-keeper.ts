import { createRequire } from 'node:module'
import { Worker as Thread } from 'node:worker_threads'
import { Cluster } from 'ioredis'
import type { Redis } from './connection.js'
import type { Logger } from './logger.js'

/**
 * Keeps the locks of this process's active jobs alive while its event loop is blocked.
 *
 * BullMQ renews a job's lock from a timer on the main thread. A handler that blocks the event
 * loop (a synchronous loop, a huge JSON.parse) longer than the lock starves that timer: the lock
 * lapses, another worker's stalled check hands the job out again, it runs twice, and the first
 * run's result is refused ("Missing lock … moveToFinished") and the job may be failed although
 * both runs succeeded.
 *
 * A `worker_threads` thread with its own Redis connection watches a heartbeat the main thread
 * ticks in a SharedArrayBuffer. While the heartbeat moves, it does nothing (BullMQ renews). Once
 * the heartbeat has stood still for a third of the lock, it renews, every check, the lock of every
 * job in the queue's active list whose lock still holds one of this process's tokens (BullMQ's
 * `extendLock` rule: a lock another worker took over, or one already released, is never touched).
 * The hot path pays nothing per job: no message is posted when a job starts or ends.
 *
 * A loop blocked longer than {@link MAX_BLOCK_MS} is taken for hung for good: the thread lets
 * the locks lapse, so the stalled check gives the job to another worker as before.
 */
export interface LockKeeper {
  stop(): Promise<void>
}

/** After this long blocked, the process is taken for hung and its locks are let go. */
export const MAX_BLOCK_MS = 30 * 60_000

/** What the thread needs of one BullMQ worker: its keys and the prefix of its lock tokens. */
export interface KeptQueue {
  /** `<prefix>:<queue>:` */
  base: string
  /** BullMQ's `worker.id`: its lock tokens are `<id>:<n>`. */
  workerId: string
}

/** Starts the thread; `lockMs` is the workers' lock duration. */
export function startLockKeeper(options: {
  connection: Redis
  queues: KeptQueue[]
  lockMs: number
  logger: Logger
}): LockKeeper {
  const { lockMs, logger } = options
  const beat = new Int32Array(new SharedArrayBuffer(4))
  // A third of the lock: BullMQ renews at half, so the thread takes over before a lock can lapse,
  // with a check period of at most a twelfth of the lock.
  const staleMs = Math.floor(lockMs / 3)
  const checkMs = Math.max(10, Math.min(250, Math.floor(lockMs / 12)))
  const ticker = setInterval(() => Atomics.add(beat, 0, 1), checkMs)
  ticker.unref()
  const thread = new Thread(THREAD_SOURCE, {
    eval: true,
    workerData: {
      beat,
      ioredis: createRequire(import.meta.url).resolve('ioredis'),
      spec: connectionSpec(options.connection),
      queues: options.queues,
      lockMs,
      staleMs,
      checkMs,
      maxBlockMs: MAX_BLOCK_MS,
    },
    // The thread holds one connection and a few small arrays; a small heap keeps its footprint
    // down (measured: +25 MiB RSS with ioredis loaded, see the report in docs/reliability.md).
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
  })
  thread.unref()
  thread.on('error', (err) => logger.warn({ err: err.message }, 'lock keeper thread failed'))
  thread.on('message', (message: { kept?: number; err?: string }) => {
    if (message.err) logger.warn({ err: message.err }, 'lock keeper could not renew locks')
    else logger.warn({ kept: message.kept }, 'event loop blocked: the lock keeper renewed locks')
  })
  return {
    async stop() {
      clearInterval(ticker)
      await thread.terminate()
    },
  }
}

/** The connection's settings, without what cannot cross to a thread (functions, sockets). */
function connectionSpec(connection: Redis) {
  const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? {}))
  if (connection instanceof Cluster) {
    // The nodes it answers from now (its startup list is private to ioredis).
    const nodes = connection.nodes('master').map((node) => ({
      host: node.options.host,
      port: node.options.port,
    }))
    return { cluster: true, nodes, options: plain(connection.options) }
  }
  return { cluster: false, options: plain(connection.options) }
}

// The thread's code, evaluated as CommonJS (a string, so it runs the same from the sources in
// tests and from the bundle). It imports the same ioredis the main thread uses.
const THREAD_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads')
const { beat, spec, queues, lockMs, staleMs, checkMs, maxBlockMs } = workerData
const KEEP = \`
local ids = redis.call('LRANGE', KEYS[1], 0, -1)
local kept = 0
for _, id in ipairs(ids) do
  local lockKey = ARGV[1] .. id .. ':lock'
  local token = redis.call('GET', lockKey)
  if token and string.sub(token, 1, #ARGV[2]) == ARGV[2] then
    redis.call('SET', lockKey, token, 'PX', ARGV[3])
    redis.call('SREM', KEYS[2], id)
    kept = kept + 1
  end
end
return kept\`
{
  const { Redis, Cluster } = require(workerData.ioredis)
  const retryStrategy = (times) => Math.min(100 * 2 ** Math.min(times, 10), 5000)
  const common = { connectionName: 'jobq-lock-keeper', maxRetriesPerRequest: 1, retryStrategy }
  const redis = spec.cluster
    ? new Cluster(spec.nodes, { ...spec.options, clusterRetryStrategy: retryStrategy,
        redisOptions: { ...spec.options.redisOptions, ...common } })
    : new Redis({ ...spec.options, ...common })
  redis.on('error', () => {})
  let seen = Atomics.load(beat, 0)
  let movedAt = Date.now()
  let busy = false
  let told = false
  setInterval(async () => {
    const now = Atomics.load(beat, 0)
    if (now !== seen) {
      seen = now
      movedAt = Date.now()
      told = false
      return
    }
    const blockedMs = Date.now() - movedAt
    if (busy || blockedMs < staleMs || blockedMs > maxBlockMs) return
    busy = true
    try {
      let kept = 0
      for (const q of queues) {
        kept += await redis.eval(KEEP, 2, q.base + 'active', q.base + 'stalled', q.base,
          q.workerId + ':', lockMs)
      }
      // Once per blocked stretch: the main thread reads it when it is free again.
      if (kept && !told) parentPort.postMessage({ kept })
      told = told || kept > 0
    } catch (err) {
      parentPort.postMessage({ err: err.message })
    } finally {
      busy = false
    }
  }, checkMs)
}
`
