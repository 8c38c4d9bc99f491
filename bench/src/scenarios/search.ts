import { createOperations, createRedis, waitForReady } from '@jobq/queue-core'
import type { BenchContext } from '../context.js'
import { registry } from '../jobs/registry.js'

/** Enqueues in flight at once: a busy producer's concurrency, so Redis round trips overlap. */
const IN_FLIGHT = 32

/** `bench.order` (customerId and region indexed), `bench.order-plain` (same data), or BullMQ. */
export type SearchEnqueueSide = 'indexed' | 'plain' | 'bullmq'

/** The n-th order: 1,000 customers in 4 regions, as the search-scale fill spreads them. */
export const orderData = (n: number) => ({
  customerId: `c${n % 1_000}`,
  region: ['eu', 'us', 'ap', 'sa'][n % 4]!,
  amount: n,
})

/** Runs `add(n)` for n in [0, count), IN_FLIGHT at a time; answers jobs/s. */
async function timed(count: number, add: (n: number) => Promise<unknown>): Promise<number> {
  let next = 0
  const started = performance.now()
  const lane = async () => {
    while (next < count) await add(next++)
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane))
  return count / ((performance.now() - started) / 1_000)
}

/**
 * Single enqueues of `count` orders, {@link IN_FLIGHT} in flight, on a fresh prefix: through
 * jobq's operations (validation, ids, and for `indexed` the index entries in the job's MULTI),
 * or BullMQ's `Queue.add` with the same data. Answers jobs/s.
 */
export async function searchEnqueue(
  ctx: BenchContext,
  side: SearchEnqueueSide,
  count: number,
): Promise<number> {
  const prefix = await ctx.freshPrefix()
  if (side === 'bullmq') {
    const queue = ctx.queue('bench', prefix)
    return timed(count, (n) => queue.add('bench.order', orderData(n)))
  }
  const connection = createRedis({ url: ctx.redisUrl, role: 'producer' })
  const ops = createOperations({ registry, connection, prefix })
  try {
    await waitForReady(connection, 5_000)
    const name = side === 'indexed' ? 'bench.order' : 'bench.order-plain'
    return await timed(count, (n) => ops.jobs.enqueue(name, orderData(n)))
  } finally {
    await ops.close()
    connection.disconnect()
  }
}
