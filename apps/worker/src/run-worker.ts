import { fileURLToPath } from 'node:url'
import {
  createLogger,
  createRedis,
  keepingCompleted,
  redisTargetOf,
  startWorker,
  UnknownQueueError,
  type AnyRegistry,
  type RunningWorker,
} from '@jobq/queue-core'
import type { WorkerArgs } from './args.js'
import type { WorkerEnv } from './env.js'
import { createHealthApp, listenHealth } from './health-server.js'
import { EXIT, STOP_MARGIN_MS } from './exit-codes.js'
import { createMetrics } from './metrics.js'

// Built, this file sits beside dist/sandbox-processor.js; under tsx (dev) beside the .ts source.
const sandboxProcessor = fileURLToPath(
  new URL(`./sandbox-processor${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
)

/** Runs one worker process until SIGTERM/SIGINT; exits the process with an {@link EXIT} code. */
export async function runWorker(args: WorkerArgs, env: WorkerEnv, registry: AnyRegistry) {
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'worker' })
  const redis = createRedis({
    target: redisTargetOf(env),
    role: 'worker',
    logger,
    tls: env.redisTls,
  })
  const graceMs = args.graceMs ?? env.JOBQ_GRACE_MS
  const metrics = createMetrics()
  let worker: RunningWorker | undefined
  let stopping: Promise<void> | undefined

  if (env.WORKER_HTTP_PORT) {
    const app = createHealthApp(
      { ready: async () => !!worker && !stopping && (await worker.ping()) },
      metrics,
    )
    await listenHealth(app, env.WORKER_HTTP_PORT, env.WORKER_HTTP_HOST)
    logger.info({ port: env.WORKER_HTTP_PORT }, 'health server listening')
  }

  // A stop is idempotent and bounded: the first SIGTERM or SIGINT sets a deadline that ends the
  // process whatever happens (a Redis that does not answer, a setup() that never returns); a
  // second signal (Ctrl-C after a pool parent's SIGTERM, an impatient operator) changes nothing.
  let stopSignal: string | undefined
  let stopAt = 0
  let deadline: NodeJS.Timeout | undefined
  const exitBy = (ms: number, why: string) => {
    clearTimeout(deadline)
    deadline = setTimeout(() => {
      logger.error({ graceMs }, `${why}: exiting, unfinished jobs left to the stalled check`)
      process.exit(EXIT.forced)
    }, ms)
  }
  const stop = async (running: RunningWorker) => {
    // The grace period counts from the signal, also when it came while the worker started.
    const left = Math.max(0, graceMs - (Date.now() - stopAt))
    exitBy(left + STOP_MARGIN_MS, 'worker stop took too long')
    stopping ??= (async () => {
      const { drained, clean } = await running.close(left)
      logger.info({ drained, clean }, 'worker stopped')
      redis.disconnect()
      process.exit(clean ? EXIT.clean : EXIT.forced)
    })()
    await stopping
  }
  const onSignal = (signal: string) => {
    if (stopSignal) return logger.info({ signal }, 'already stopping')
    stopSignal = signal
    stopAt = Date.now()
    logger.info({ signal, graceMs }, 'worker stopping: no new jobs, finishing active ones')
    if (worker) return void stop(worker)
    // Still starting: no job was taken yet, so there is nothing to drain. A boot that finishes
    // soon is stopped like a running worker; one stuck on Redis or in setup() is left.
    exitBy(STOP_MARGIN_MS, 'stopped while starting (redis unreachable or setup() running)')
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)

  try {
    worker = await startWorker({
      registry,
      connection: redis,
      prefix: env.JOBQ_PREFIX,
      queues: args.queues.length ? args.queues : env.JOBQ_QUEUES,
      concurrency: args.concurrency ?? env.JOBQ_CONCURRENCY,
      logger,
      sandboxProcessor,
      heartbeatMs: env.JOBQ_HEARTBEAT_MS,
      lockDurationMs: env.JOBQ_LOCK_MS,
      stalledIntervalMs: env.JOBQ_STALLED_INTERVAL_MS,
      retention: keepingCompleted(env.JOBQ_KEEP_COMPLETED),
      onJobFinished: metrics.onJobFinished,
    })
  } catch (err) {
    if (err instanceof UnknownQueueError) {
      console.error(`jobq worker: ${err.message}`)
      process.exit(EXIT.usage)
    }
    logger.fatal({ err }, 'worker failed to start')
    process.exit(EXIT.startFailed)
  }
  if (stopSignal) await stop(worker)
}
