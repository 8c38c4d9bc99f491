import { registry } from '@jobq/jobs'
import {
  ConfigError,
  createLogger,
  createRedis,
  startWorker,
  UnknownQueueError,
} from '@jobq/queue-core'
import { parseWorkerArgs, USAGE, UsageError } from './args.js'
import { loadEnv } from './env.js'

function fail(message: string, code: number): never {
  console.error(`jobq worker: ${message}`)
  process.exit(code)
}

let args
let env
try {
  args = parseWorkerArgs(process.argv.slice(2))
  env = loadEnv()
} catch (err) {
  if (err instanceof UsageError) fail(`${err.message}\n\n${USAGE}`, 2)
  if (err instanceof ConfigError) fail(err.message, 1)
  throw err
}
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}

const logger = createLogger({ level: env.LOG_LEVEL, name: 'worker' })
const redis = createRedis({ url: env.REDIS_URL, role: 'worker', logger })
const graceMs = args.graceMs ?? env.JOBQ_GRACE_MS

// Signals that arrive while setup() still runs must not be lost: remember and act once started.
let stopRequested: string | undefined
const onSignal = (signal: string) => {
  stopRequested ??= signal
  if (!worker) return
  void stop(signal)
}
process.once('SIGTERM', onSignal)
process.once('SIGINT', onSignal)

let worker: Awaited<ReturnType<typeof startWorker>> | undefined
try {
  worker = await startWorker({
    registry,
    connection: redis,
    prefix: env.JOBQ_PREFIX,
    queues: args.queues.length ? args.queues : env.JOBQ_QUEUES,
    concurrency: args.concurrency ?? env.JOBQ_CONCURRENCY,
    logger,
  })
} catch (err) {
  if (err instanceof UnknownQueueError) fail(err.message, 2)
  logger.fatal({ err }, 'worker failed to start')
  process.exit(1)
}
if (stopRequested) await stop(stopRequested)

async function stop(signal: string) {
  logger.info({ signal, graceMs }, 'worker stopping: no new jobs, finishing active ones')
  const { drained } = await worker!.close(graceMs)
  logger.info({ drained }, 'worker stopped')
  redis.disconnect()
  process.exit(0)
}
