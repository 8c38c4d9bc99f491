// One worker process serving every queue of the scale registry (JOBQ_SCALE_QUEUES of them):
// `jobq` runs queue-core's startWorker (what apps/worker runs), `bullmq` one plain BullMQ
// Worker per queue on one shared connection, as a BullMQ user serving many queues would.
import { Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { createLogger, createRedis, startWorker } from '@jobq/queue-core'
import { serveParent } from '../child-protocol.js'
import { registry } from './registry.js'

const [mode, concurrency = '1'] = process.argv.slice(2)
const prefix = process.env.JOBQ_PREFIX!

async function jobq() {
  const connection = createRedis({ url: process.env.REDIS_URL!, role: 'worker' })
  const worker = await startWorker({
    registry,
    connection,
    prefix,
    concurrency: Number(concurrency),
    logger: createLogger({ level: 'warn', name: 'scale-worker' }),
  })
  return async () => {
    await worker.close(5_000)
    connection.disconnect()
  }
}

async function bullmq() {
  const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null })
  const workers = registry.queueNames.map((queue) => {
    const worker = new Worker(queue, async (job) => job.data as unknown, {
      connection,
      prefix,
      concurrency: Number(concurrency),
      // jobq's default retention, written out (bullmq-worker-child.ts does the same).
      removeOnComplete: { age: 24 * 3_600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3_600, count: 50_000 },
    })
    worker.on('error', () => {})
    return worker
  })
  await Promise.all(workers.map((worker) => worker.waitUntilReady()))
  return async () => {
    await Promise.all(workers.map((worker) => worker.close()))
    connection.disconnect()
  }
}

serveParent(await (mode === 'jobq' ? jobq() : bullmq()))
