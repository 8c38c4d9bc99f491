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
import { createMetrics } from './metrics.js'

// Built, this file sits beside dist/sandbox-processor.js; under tsx (dev) beside the .ts source.
const sandboxProcessor = fileURLToPath(
  new URL(`./sandbox-processor${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
)

/** Runs one worker process until SIGTERM/SIGINT; exits the process (0 after a clean stop). */
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

  // Signals that arrive while setup() still runs must not be lost: remember and act once started.
  let stopRequested: string | undefined
  const stop = (signal: string) => {
    stopping ??= (async () => {
      logger.info({ signal, graceMs }, 'worker stopping: no new jobs, finishing active ones')
      const { drained } = await worker!.close(graceMs)
      logger.info({ drained }, 'worker stopped')
      redis.disconnect()
      process.exit(0)
    })()
  }
  const onSignal = (signal: string) => {
    stopRequested ??= signal
    if (worker) stop(signal)
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
      process.exit(2)
    }
    logger.fatal({ err }, 'worker failed to start')
    process.exit(1)
  }
  if (stopRequested) stop(stopRequested)
}
