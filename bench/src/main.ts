// `pnpm bench [--quick]`: jobq beside plain BullMQ on one private redis-server, in one run,
// alternating which goes first each round to cancel drift; medians of the rounds.
// `--only=scale` runs the scale scenarios (scale/run.ts; never with --quick, nor without --only);
// `--compare <older.json> [--no-run]` then prints what moved beyond the runs' spread.
import { startRedisServer } from '@jobq/queue-core/redis-server'
import { compareResults, readResults, spreadOf } from './compare.js'
import { createContext, type BenchContext, type BenchResult } from './context.js'
import { machine, table, writeResults } from './report.js'
import { drainRate, type Mode } from './scenarios/drain.js'
import { drainWithGroups } from './scenarios/groups.js'
import { bulkEnqueue, httpEnqueue } from './scenarios/http.js'
import { searchEnqueue } from './scenarios/search.js'
import { startLatency } from './scenarios/latency.js'
import { workerMemory } from './scenarios/memory.js'
import { flaskEnqueue, rqAvailable, rqDrain } from './scenarios/rq.js'
import { runScale } from './scale/run.js'
import { median } from './stats.js'

const quick = process.argv.includes('--quick')
/** `--only drain,http`: run just the scenarios whose group is named (for profiling work). */
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
const wanted = (group: string) => !only || only.includes(group)
/** The scale scenarios take minutes and a big Redis: only when named, never in a quick run. */
const scaleWanted = !quick && Boolean(only?.includes('scale'))
/** `--compare old.json` or `--compare=old.json`. */
const compareWith = (() => {
  const at = process.argv.findIndex((arg) => arg === '--compare' || arg.startsWith('--compare='))
  if (at < 0) return undefined
  const arg = process.argv[at]!
  return arg.includes('=') ? arg.slice('--compare='.length) : process.argv[at + 1]
})()
const benchDir = new URL('../', import.meta.url)
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

/** A result from the rounds' medians; `higher` says which way is better for this measure. */
const result =
  (higher: 'better' | 'worse') =>
  (
    scenario: string,
    unit: string,
    target: number,
    jobq: number[],
    baseline: number[],
  ): BenchResult => {
    const [j, b] = [median(jobq), median(baseline)]
    return {
      scenario,
      jobq: j,
      baseline: b,
      ratio: higher === 'better' ? j / b : b / j,
      unit,
      target,
      spread: spreadOf(jobq, baseline, higher),
    }
  }
/** Throughput: more is better, ratio jobq / baseline. */
const throughput = result('better')
/** Latency and memory: less is better, ratio baseline / jobq. */
const cost = result('worse')

async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  const log = (r: BenchResult) => {
    results.push(r)
    console.log(
      `  ${r.scenario}: jobq ${r.jobq.toFixed(2)} vs ${r.baseline.toFixed(2)} ${r.unit} → ${r.ratio.toFixed(2)}`,
    )
  }
  const mode = (side: 'jobq' | 'baseline'): Mode => (side === 'jobq' ? 'jobq' : 'bullmq')

  for (const concurrency of wanted('drain') ? [1, 10, 100] : []) {
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

  if (wanted('groups')) await drainWithGroups(ctx, sizes.drain, { paired, throughput, cost, log })

  if (wanted('http')) {
    const http = await paired((side) =>
      httpEnqueue(ctx, side === 'jobq' ? 'jobq' : 'hono', sizes.httpSeconds),
    )
    const of = (key: 'rps' | 'p50' | 'p99') =>
      [http.jobq.map((x) => x[key]), http.baseline.map((x) => x[key])] as const
    log(throughput('HTTP enqueue, 50 connections (req/s)', 'req/s', 0.8, ...of('rps')))
    log(cost('HTTP enqueue p50 latency', 'ms', 0.8, ...of('p50')))
    log(cost('HTTP enqueue p99 latency', 'ms', 0.8, ...of('p99')))
  }

  if (wanted('bulk')) {
    const bulk = await paired((side) =>
      bulkEnqueue(ctx, side === 'jobq' ? 'jobq' : 'direct', sizes.bulk),
    )
    const rate = (seconds: number[]) => seconds.map((s) => sizes.bulk / s)
    log(
      throughput(
        `bulk enqueue of ${sizes.bulk} (HTTP vs Queue.addBulk)`,
        'jobs/s',
        0.9,
        rate(bulk.jobq),
        rate(bulk.baseline),
      ),
    )
  }

  for (const rate of wanted('latency') ? [500, 2_000] : []) {
    const r = await paired((side) => startLatency(ctx, mode(side), rate, sizes.latencySeconds))
    const of = (key: 'p50' | 'p99') =>
      [r.jobq.map((x) => x[key]), r.baseline.map((x) => x[key])] as const
    log(cost(`enqueue → start p50 at ${rate} jobs/s`, 'ms', 0.83, ...of('p50')))
    log(cost(`enqueue → start p99 at ${rate} jobs/s`, 'ms', 0.83, ...of('p99')))
  }

  if (wanted('memory')) {
    const memory = await paired((side) => workerMemory(ctx, mode(side), sizes.memory))
    const of = (key: 'idle' | 'after') =>
      [memory.jobq.map((m) => m[key]), memory.baseline.map((m) => m[key])] as const
    log(cost('worker RSS idle', 'MiB', 0.83, ...of('idle')))
    log(cost(`worker RSS after ${sizes.memory} jobs`, 'MiB', 0.83, ...of('after')))
    const growth = (m: { halfway: number; after: number }[]) =>
      median(m.map((x) => x.after - x.halfway)).toFixed(1)
    console.log(
      `  RSS growth over the second half: jobq ${growth(memory.jobq)} MiB, BullMQ ${growth(memory.baseline)} MiB`,
    )
  }
  if (wanted('search')) {
    // Issue 17: what indexing two declared search fields adds to an enqueue.
    const count = quick ? 2_000 : 5_000
    for (const side of ['indexed', 'plain'] as const) {
      const r = await paired((who) => searchEnqueue(ctx, who === 'jobq' ? side : 'bullmq', count))
      const label = side === 'indexed' ? 'with 2 search fields' : 'without search fields'
      log(
        throughput(
          `enqueue ${count} orders ${label}, 32 in flight (createOperations vs Queue.add)`,
          'jobs/s',
          0.8,
          r.jobq,
          r.baseline,
        ),
      )
    }
  }
  if (wanted('rq')) await againstTheSeeds(ctx, results, log)
  if (scaleWanted) results.push(...(await runScale(ctx, process.argv, benchDir, true)))
  return results
}

/**
 * What the seeds used: RQ's forking worker and Flask's enqueue route, on the same Redis. Only
 * where Debian's python3-rq and python3-flask are installed (`pnpm bench` asks apt for them).
 */
async function againstTheSeeds(
  ctx: BenchContext,
  results: BenchResult[],
  log: (r: BenchResult) => void,
) {
  if (!rqAvailable())
    return console.log('  (RQ scenarios skipped: apt-get install python3-rq python3-flask)')
  const jobqDrain = results.find((r) => r.scenario.endsWith('concurrency 1'))?.jobq
  const jobqHttp = results.find((r) => r.scenario.startsWith('HTTP enqueue, 50'))?.jobq
  const rounds = Array.from({ length: sizes.rounds })
  if (jobqDrain) {
    const rq: number[] = []
    for (const _ of rounds) rq.push(await rqDrain(ctx, quick ? 200 : 1_000))
    log(
      throughput(
        "vs the seeds: RQ's forking worker (rq worker --burst), no-op tasks",
        'jobs/s',
        1,
        [jobqDrain],
        rq,
      ),
    )
  }
  if (jobqHttp) {
    const flask: number[] = []
    for (const _ of rounds) flask.push(await flaskEnqueue(ctx, sizes.httpSeconds))
    log(
      throughput(
        'vs the seeds: Flask /start enqueue (dev server), 50 connections',
        'req/s',
        1,
        [jobqHttp],
        flask,
      ),
    )
  }
}

/** Prints what moved between `older` and latest.json (just written, or as it is with --no-run). */
function printComparison(older: string) {
  const newer = readResults(new URL('results/latest.json', benchDir).pathname)
  console.log(`\nCompared with ${older}:\n${compareResults(readResults(older), newer)}`)
}

if (compareWith && process.argv.includes('--no-run')) {
  printComparison(compareWith)
  process.exit(0)
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
  writeResults(benchDir, results, notes, quick, only !== undefined)
  if (compareWith && !quick) printComparison(compareWith)
} finally {
  await ctx.closeQueues()
  ctx.redis.disconnect()
  await server.stop()
}
