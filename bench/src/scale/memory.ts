// Scenario 1: Redis memory per stored job, waiting and then completed with its result (a result
// as big as the payload), jobq's enqueue and worker vs BullMQ's Queue.add and Worker.
import { createOperations } from '@jobq/queue-core'
import { until, type BenchContext } from '../context.js'
import { startScaleWorker, type Side } from './children.js'
import { prefixBytes } from './redis-stats.js'
import { registry } from './registry.js'

const IN_FLIGHT = 50

/** Runs `add(i)` for i < count, IN_FLIGHT at a time. */
async function addAll(count: number, add: (i: number) => Promise<unknown>) {
  for (let start = 0; start < count; start += IN_FLIGHT) {
    const batch = Array.from({ length: Math.min(IN_FLIGHT, count - start) }, (_, i) => start + i)
    await Promise.all(batch.map(add))
  }
}

/** Enqueues `count` jobs with a payload of `bytes` into q0, the way `side` does. */
async function enqueue(ctx: BenchContext, side: Side, prefix: string, count: number, p: string) {
  if (side === 'bullmq') {
    const queue = ctx.queue('q0', prefix)
    return addAll(count, () => queue.add('scale.q0', { p }))
  }
  const ops = createOperations({ registry, connection: ctx.redis, prefix })
  await addAll(count, () => ops.jobs.enqueue('scale.q0', { p }))
  await ops.close()
}

/** Bytes per job under the prefix: after enqueueing `count` jobs, then after they completed. */
export async function memoryPerJob(ctx: BenchContext, side: Side, count: number, bytes: number) {
  const prefix = await ctx.freshPrefix()
  await enqueue(ctx, side, prefix, count, 'x'.repeat(bytes))
  const waiting = (await prefixBytes(ctx.redis, prefix)) / count
  const worker = await startScaleWorker(ctx, side, prefix, 1, 10)
  const queue = ctx.queue('q0', prefix)
  try {
    await until(async () => (await queue.getCompletedCount()) === count, 50)
  } finally {
    await worker.stop()
  }
  await ctx.closeQueues()
  const completed = (await prefixBytes(ctx.redis, prefix)) / count
  return { waiting, completed }
}
