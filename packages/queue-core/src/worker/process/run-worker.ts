import { setTimeout as delay } from 'node:timers/promises'
import { createLogger } from '../../logger.js'
import { createRedis } from '../../connection.js'
import { keepingCompleted } from '../../job-options.js'
import { redisTargetOf } from '../../redis-target.js'
import { startWorker } from '../boot.js'
import { UnknownQueueError } from '../../errors.js'
import { type AnyRegistry } from '../../registry.js'
import { type RunningWorker } from '../options.js'
import type { WorkerArgs } from './args.js'
import type { WorkerEnv } from './env.js'
import { createHealthApp, listenHealth } from './health-server.js'
import { startTracing } from '../../tracing/index.js'
import { EXIT } from './exit-codes.js'
import { createMetrics } from './metrics.js'
import { listenForStop } from './stop.js'

/** The longest a stopping worker waits for its last spans to be exported, in ms. */
const TRACE_FLUSH_MS = 2_000

/**
 * Runs one worker process until SIGTERM/SIGINT; exits the process with an {@link EXIT} code.
 * `sandboxProcessor` is the app's module BullMQ forks for sandboxed queues (see `startWorker`).
 */
export async function runWorker(
  args: WorkerArgs,
  env: WorkerEnv,
  registry: AnyRegistry,
  sandboxProcessor: string | URL,
) {
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'worker' })
  // Before the worker: its queues and BullMQ workers take the telemetry when made.
  const tracing = await startTracing('jobq-worker', env)
  const redis = createRedis({
    target: redisTargetOf(env),
    role: 'worker',
    logger,
    tls: env.redisTls,
  })
  const graceMs = args.graceMs ?? env.JOBQ_GRACE_MS
  const metrics = createMetrics()
  let worker: RunningWorker | undefined

  // The first exit's code wins: with tracing on, the shutdown deadline may fire a second exit
  // while the first is still exporting spans, and must not replace its code.
  let exiting = false
  const stop = listenForStop({
    logger,
    graceMs,
    exit: (code) => {
      if (exiting) return undefined as never
      exiting = true
      redis.disconnect()
      if (!tracing) process.exit(code)
      // The spans of the last attempts are still buffered: export them first, within a bound
      // (an unreachable collector must not hold the exit). Exits later, so returns meanwhile.
      void Promise.race([tracing.shutdown(), delay(TRACE_FLUSH_MS)]).finally(() =>
        process.exit(code),
      )
      return undefined as never
    },
  })

  if (env.WORKER_HTTP_PORT) {
    const app = createHealthApp(
      { ready: async () => !!worker && !stop.requested && (await worker.ping()) },
      metrics,
    )
    await listenHealth(app, env.WORKER_HTTP_PORT, env.WORKER_HTTP_HOST)
    logger.info({ port: env.WORKER_HTTP_PORT }, 'health server listening')
  }

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
  await stop.started(worker)
}
