import { createServer } from 'node:http'
import { setTimeout as delay } from 'node:timers/promises'
import { registry } from '@jobq/jobs'
import {
  ConfigError,
  createLogger,
  createOperations,
  createRedis,
  redisTargetOf,
  startTracing,
} from '@jobq/queue-core'
import { createHttp } from './app.js'
import { loadEnv, type ProducerEnv } from './env.js'

let env: ProducerEnv
try {
  env = loadEnv()
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  console.error(`jobq producer: ${err.message}`)
  process.exit(1)
}

const logger = createLogger({ level: env.LOG_LEVEL, name: 'producer' })
// On only with OTEL_EXPORTER_OTLP_ENDPOINT; before the operations, whose queues take it.
const tracing = await startTracing('jobq-producer', env)
// hono's OTel middleware: the HTTP span every other span of a request descends from.
const httpTracing = tracing && (await import('@hono/otel')).httpInstrumentationMiddleware()
// One server, a Sentinel set or a cluster: whichever the environment names.
const target = redisTargetOf(env)
const redis = createRedis({ target, role: 'producer', logger, tls: env.redisTls })
// Event streams (GET /v1/jobs/:id/events) block on Redis: they get a patient connection.
const eventsRedis = createRedis({ target, role: 'worker', logger, tls: env.redisTls })
const producer = createOperations({
  registry,
  connection: redis,
  eventsConnection: eventsRedis,
  prefix: env.JOBQ_PREFIX,
  logger,
  keepCompleted: env.JOBQ_KEEP_COMPLETED,
  idempotencyTtlMs: env.JOBQ_IDEMPOTENCY_TTL_MS,
})
const { listener } = createHttp(
  {
    producer,
    registry,
    logger,
    bodyLimitBytes: env.JOBQ_BODY_LIMIT_BYTES,
    bulkMax: env.JOBQ_BULK_MAX,
    apiTokens: env.apiTokens,
    ...(httpTracing && { tracing: httpTracing }),
  },
  env.HOST,
)

const server = createServer(listener).listen(env.PORT, env.HOST, () => {
  logger.info(
    { url: `http://localhost:${env.PORT}`, prefix: env.JOBQ_PREFIX },
    'producer listening',
  )
})
server.on('error', (err: Error) => {
  logger.fatal({ err: err.message }, 'cannot listen')
  process.exit(1)
})

async function stop(signal: string) {
  logger.info({ signal }, 'producer stopping')
  server.close()
  await producer.close()
  redis.disconnect()
  eventsRedis.disconnect()
  // The last requests' spans are still buffered: export them, within 2 s.
  if (tracing) await Promise.race([tracing.shutdown(), delay(2_000)])
  process.exit(0)
}
process.once('SIGTERM', (s) => void stop(s))
process.once('SIGINT', (s) => void stop(s))
