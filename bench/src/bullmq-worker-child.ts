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
  {
    connection,
    prefix: process.env.JOBQ_PREFIX!,
    concurrency: Number(process.argv[2]),
    // What a production BullMQ setup sets, and what jobq's worker applies (its RETENTION,
    // written out so this process loads nothing of jobq).
    removeOnComplete: { age: 24 * 3_600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3_600, count: 50_000 },
  },
)
worker.on('error', () => {})
await worker.waitUntilReady()
serveParent(async () => {
  await worker.close()
  connection.disconnect()
})
