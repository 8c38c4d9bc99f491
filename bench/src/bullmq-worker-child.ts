// The baseline worker process: a plain BullMQ Worker doing the same (no) work, nothing else loaded.
import { Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { serveParent } from './child-protocol.js'
import { recordStart } from './latency-recorder.js'

const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null })
const worker = new Worker(
  'bench',
  async (job) => {
    if (job.name === 'bench.latency') recordStart((job.data as { t: number }).t)
    return {}
  },
  { connection, prefix: process.env.JOBQ_PREFIX!, concurrency: Number(process.argv[2]) },
)
worker.on('error', () => {})
await worker.waitUntilReady()
serveParent(async () => {
  await worker.close()
  connection.disconnect()
})
