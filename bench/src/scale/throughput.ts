// Scenario 5: enqueue, then drain, with 1, 2 and 4 producer or worker processes on one Redis,
// Redis's own CPU beside each: where the ceiling moves from Node to Redis.
import { startChild, type Child } from '../child.js'
import type { BenchContext } from '../context.js'
import { drained, workerScript } from '../scenarios/drain.js'
import { enqueueChild, type Side } from './children.js'
import { redisCpuSeconds } from './redis-stats.js'

/** Jobs per second, and Redis CPU in percent of one core, while `work` ran. */
async function rate(ctx: BenchContext, jobs: number, work: () => Promise<unknown>) {
  const cpu = await redisCpuSeconds(ctx.redis)
  const started = performance.now()
  await work()
  const seconds = (performance.now() - started) / 1_000
  return {
    perSecond: jobs / seconds,
    redisCpu: (((await redisCpuSeconds(ctx.redis)) - cpu) / seconds) * 100,
  }
}

/** Starts `count` children and waits until all are ready. */
async function startAll(count: number, start: () => Child) {
  const children = Array.from({ length: count }, start)
  await Promise.all(children.map((child) => child.next('ready')))
  return children
}

export async function throughput(ctx: BenchContext, side: Side, processes: number, jobs: number) {
  const prefix = await ctx.freshPrefix()
  const env = { REDIS_URL: ctx.redisUrl, JOBQ_PREFIX: prefix }
  const share = Math.ceil(jobs / processes)
  const producers = await startAll(processes, () =>
    startChild(enqueueChild, [side, String(share)], env),
  )
  const enqueue = await rate(ctx, share * processes, () =>
    Promise.all(producers.map((child) => (child.send({ type: 'go' }), child.next('done')))),
  )
  await Promise.all(producers.map((child) => child.stop()))
  // Paused while the workers start, so that all of them drain from the first job.
  const queue = ctx.queue('bench', prefix)
  await queue.pause()
  const workers = await startAll(processes, () => startChild(workerScript(ctx, side), ['10'], env))
  try {
    // Each producer also added one job before the clock started (enqueue-child.ts).
    const drain = await rate(ctx, (share + 1) * processes, async () => {
      await queue.resume()
      await drained(queue)
    })
    return { enqueue, drain }
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()))
  }
}
