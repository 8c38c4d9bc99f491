// A jobq worker process for the benchmark: queue-core's startWorker (the runtime behind
// apps/worker) on the bench registry. It tells the parent over IPC when it takes jobs.
import { createLogger, createRedis, startWorker } from '@jobq/queue-core'
import { serveParent } from './child-protocol.js'
import { registry } from './jobs/registry.js'

const connection = createRedis({ url: process.env.REDIS_URL!, role: 'worker' })
const worker = await startWorker({
  registry,
  connection,
  prefix: process.env.JOBQ_PREFIX!,
  concurrency: Number(process.argv[2]),
  logger: createLogger({ level: 'warn', name: 'bench-worker' }),
})
serveParent(async () => {
  await worker.close(5_000)
  connection.disconnect()
})
