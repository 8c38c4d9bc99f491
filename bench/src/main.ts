// `pnpm bench [--quick]`: jobq beside plain BullMQ on one private redis-server, in one run,
// alternating which goes first each round to cancel drift; medians of the rounds.
import { startRedisServer } from '@jobq/queue-core/testing'
import { createContext, type BenchContext, type BenchResult } from './context.js'
import { machine, table, writeResults } from './report.js'
import { drainRate, type Mode } from './scenarios/drain.js'
import { bulkEnqueue, httpEnqueue } from './scenarios/http.js'
import { startLatency } from './scenarios/latency.js'
import { workerMemory } from './scenarios/memory.js'
import { median } from './stats.js'

const quick = process.argv.includes('--quick')
const sizes = quick
  ? { rounds: 1, drain: 5_000, httpSeconds: 3, bulk: 10_000, latencySeconds: 2, memory: 20_000 }
  : { rounds: 3, drain: 20_000, httpSeconds: 10, bulk: 10_000, latencySeconds: 5, memory: 200_000 }

/** Runs `measure` for jobq and for the baseline, `rounds` times, alternating who goes first. */
async function paired<T>(measure: (side: 'jobq' | 'baseline') => Promise<T>) {
  const jobq: T[] = []
  const baseline: T[] = []
  for (let round = 0; round < sizes.rounds; round++) {
    const order =
      round % 2 === 0 ? (['jobq', 'baseline'] as const) : (['baseline', 'jobq'] as const)
    for (const side of order) (side === 'jobq' ? jobq : baseline).push(await measure(side))
  }
  return { jobq, baseline }
}

const throughput = (
  scenario: string,
  unit: string,
  target: number,
  jobq: number[],
  baseline: number[],
): BenchResult => {
  const [j, b] = [median(jobq), median(baseline)]
  return { scenario, jobq: j, baseline: b, ratio: j / b, unit, target }
}
const cost = (
  scenario: string,
  unit: string,
  target: number,
  jobq: number[],
  baseline: number[],
): BenchResult => {
  const [j, b] = [median(jobq), median(baseline)]
  return { scenario, jobq: j, baseline: b, ratio: b / j, unit, target }
}

async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  const log = (r: BenchResult) => {
    results.push(r)
    console.log(
      `  ${r.scenario}: jobq ${r.jobq.toFixed(2)} vs ${r.baseline.toFixed(2)} ${r.unit} → ${r.ratio.toFixed(2)}`,
    )
  }
  const mode = (side: 'jobq' | 'baseline'): Mode => (side === 'jobq' ? 'jobq' : 'bullmq')

  for (const concurrency of [1, 10, 100]) {
    const r = await paired((side) => drainRate(ctx, mode(side), concurrency, sizes.drain))
    log(
      throughput(
        `drain ${sizes.drain} no-op jobs, concurrency ${concurrency}`,
        'jobs/s',
        0.9,
        r.jobq,
        r.baseline,
      ),
    )
  }

  const http = await paired((side) =>
    httpEnqueue(ctx, side === 'jobq' ? 'jobq' : 'hono', sizes.httpSeconds),
  )
  log(
    throughput(
      'HTTP enqueue, 50 connections (req/s)',
      'req/s',
      0.8,
      http.jobq.map((x) => x.rps),
      http.baseline.map((x) => x.rps),
    ),
  )
  log(
    cost(
      'HTTP enqueue p50 latency',
      'ms',
      0.8,
      http.jobq.map((x) => x.p50),
      http.baseline.map((x) => x.p50),
    ),
  )
  log(
    cost(
      'HTTP enqueue p99 latency',
      'ms',
      0.8,
      http.jobq.map((x) => x.p99),
      http.baseline.map((x) => x.p99),
    ),
  )

  const bulk = await paired((side) =>
    bulkEnqueue(ctx, side === 'jobq' ? 'jobq' : 'direct', sizes.bulk),
  )
  log(
    throughput(
      `bulk enqueue of ${sizes.bulk} (HTTP vs Queue.addBulk)`,
      'jobs/s',
      0.7,
      bulk.jobq.map((s) => sizes.bulk / s),
      bulk.baseline.map((s) => sizes.bulk / s),
    ),
  )

  for (const rate of [500, 2_000]) {
    const r = await paired((side) => startLatency(ctx, mode(side), rate, sizes.latencySeconds))
    log(
      cost(
        `enqueue → start p50 at ${rate} jobs/s`,
        'ms',
        0.83,
        r.jobq.map((x) => x.p50),
        r.baseline.map((x) => x.p50),
      ),
    )
    log(
      cost(
        `enqueue → start p99 at ${rate} jobs/s`,
        'ms',
        0.83,
        r.jobq.map((x) => x.p99),
        r.baseline.map((x) => x.p99),
      ),
    )
  }

  const memory = await paired((side) => workerMemory(ctx, mode(side), sizes.memory))
  log(
    cost(
      'worker RSS idle',
      'MiB',
      0.83,
      memory.jobq.map((m) => m.idle),
      memory.baseline.map((m) => m.idle),
    ),
  )
  log(
    cost(
      `worker RSS after ${sizes.memory} jobs`,
      'MiB',
      0.83,
      memory.jobq.map((m) => m.after),
      memory.baseline.map((m) => m.after),
    ),
  )
  const growth = (m: { halfway: number; after: number }[]) =>
    median(m.map((x) => x.after - x.halfway)).toFixed(1)
  console.log(
    `  RSS growth over the second half: jobq ${growth(memory.jobq)} MiB, BullMQ ${growth(memory.baseline)} MiB`,
  )
  return results
}

const server = await startRedisServer()
const ctx = createContext(server.url, quick)
try {
  const info = await ctx.redis.info('server')
  const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? '?'
  console.log(
    `jobq bench${quick ? ' (quick)' : ''}: ${sizes.rounds} round(s), ${machine(redisVersion)}`,
  )
  const started = Date.now()
  const results = await run(ctx)
  const notes = `Run ${new Date().toISOString()} on ${machine(redisVersion)}; ${sizes.rounds} round(s), ${Math.round((Date.now() - started) / 1_000)} s.`
  console.log(`\n${table(results)}\n\n${notes}`)
  writeResults(new URL('../', import.meta.url), results, notes, quick)
} finally {
  await ctx.closeQueues()
  ctx.redis.disconnect()
  await server.stop()
}
