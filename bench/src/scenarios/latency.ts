import { startChild } from '../child.js'
import { until, type BenchContext } from '../context.js'
import { percentile } from '../stats.js'
import { workerScript, type Mode } from './drain.js'

/**
 * Offers `rate` jobs/s for `seconds` from a load process of its own (jobq: the producer's
 * `enqueue`, with validation; bullmq: `Queue.add`) and measures enqueue → handler start in a
 * worker process at concurrency 10. The clocks agree: both read `monotonicMicros` on one host.
 */
export async function startLatency(ctx: BenchContext, mode: Mode, rate: number, seconds: number) {
  const prefix = await ctx.freshPrefix()
  const env = { REDIS_URL: ctx.redisUrl, JOBQ_PREFIX: prefix }
  const worker = startChild(workerScript(ctx, mode), ['10'], env)
  const load = startChild(ctx.paths.loadChild, [mode, String(rate), String(seconds)], env)
  const latencies: number[] = []
  worker.on('latencies', (message) => latencies.push(...(message.values as number[])))
  try {
    await Promise.all([worker.next('ready'), load.next('ready')])
    const sent = load.next<{ count: number }>('sent')
    load.send({ type: 'go' })
    const { count } = await sent
    await until(async () => latencies.length >= count, 20, 60_000)
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
  } finally {
    await Promise.all([worker.stop(), load.stop()])
  }
}
