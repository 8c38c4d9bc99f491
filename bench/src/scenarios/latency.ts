import { createOperations, createRedis, waitForReady } from '@jobq/queue-core'
import { startChild } from '../child.js'
import { until, type BenchContext } from '../context.js'
import { registry } from '../jobs/registry.js'
import { monotonicMicros } from '../latency-recorder.js'
import { percentile } from '../stats.js'
import { workerScript, type Mode } from './drain.js'

/**
 * Offers `rate` jobs/s for `seconds` (jobq: through the producer, with validation; bullmq:
 * `Queue.add`) and measures enqueue → handler start in a worker process at concurrency 10.
 */
export async function startLatency(ctx: BenchContext, mode: Mode, rate: number, seconds: number) {
  const prefix = await ctx.freshPrefix()
  const worker = startChild(workerScript(ctx, mode), ['10'], {
    REDIS_URL: ctx.redisUrl,
    JOBQ_PREFIX: prefix,
  })
  const latencies: number[] = []
  worker.on('latencies', (message) => latencies.push(...(message.values as number[])))
  const connection = createRedis({ url: ctx.redisUrl, role: 'producer' })
  const producer = createOperations({ registry, connection, prefix })
  const queue = ctx.queue('bench', prefix)
  try {
    await Promise.all([worker.next('ready'), waitForReady(connection, 5_000)])
    const enqueue =
      mode === 'jobq'
        ? () => producer.jobs.enqueue('bench.latency', { t: monotonicMicros() })
        : () => queue.add('bench.latency', { t: monotonicMicros() })
    // Every 10 ms, the jobs due by now: an even offered load, whatever each add costs.
    const total = Math.round(rate * seconds)
    const started = performance.now()
    let sent = 0
    const pending: Promise<unknown>[] = []
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1_000) * rate))
      for (; sent < due; sent++) pending.push(enqueue())
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await Promise.all(pending)
    await until(async () => latencies.length >= total, 20, 60_000)
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
  } finally {
    await worker.stop()
    await producer.close()
    connection.disconnect()
  }
}
