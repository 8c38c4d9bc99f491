import { startChild } from '../child.js'
import { until, type BenchContext } from '../context.js'

export type Mode = 'jobq' | 'bullmq'

/** The child script of a worker mode. */
export const workerScript = (ctx: BenchContext, mode: Mode) =>
  mode === 'jobq' ? ctx.paths.workerChild : ctx.paths.bullmqWorkerChild

/** Adds `count` no-op jobs the same way for both modes (both workers apply the same retention). */
export async function fill(ctx: BenchContext, prefix: string, count: number, offset = 0) {
  const queue = ctx.queue('bench', prefix)
  for (let done = 0; done < count; done += 5_000) {
    const size = Math.min(5_000, count - done)
    await queue.addBulk(
      Array.from({ length: size }, (_, i) => ({
        name: 'bench.noop',
        data: { n: offset + done + i },
      })),
    )
  }
  return queue
}

/** Resolves once nothing waits or runs in the queue. */
export const drained = (queue: ReturnType<BenchContext['queue']>) =>
  until(async () => {
    const counts = await queue.getJobCounts('wait', 'prioritized', 'active')
    return Object.values(counts).every((n) => n === 0)
  })

/** Jobs per second one worker process drains at `concurrency`, from a full queue. */
export async function drainRate(ctx: BenchContext, mode: Mode, concurrency: number, count: number) {
  const prefix = await ctx.freshPrefix()
  const queue = await fill(ctx, prefix, count)
  const worker = startChild(workerScript(ctx, mode), [String(concurrency)], {
    REDIS_URL: ctx.redisUrl,
    JOBQ_PREFIX: prefix,
  })
  try {
    await worker.next('ready')
    const started = performance.now()
    await drained(queue)
    return count / ((performance.now() - started) / 1_000)
  } finally {
    await worker.stop()
  }
}
