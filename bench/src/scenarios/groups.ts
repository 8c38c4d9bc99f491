import { createOperations, createRedis, waitForReady, type Operations } from '@jobq/queue-core'
import { startChild } from '../child.js'
import { until, type BenchContext, type BenchResult } from '../context.js'
import { registry } from '../jobs/registry.js'
import { median } from '../stats.js'
import { workerScript } from './drain.js'

/** Keys of the "drain with groups" scenario (issue 15). */
const GROUP_KEYS = 1_000

/** Jobs of the hot key in the fairness measure (quick runs too: a smaller one shows little). */
const HOT_JOBS = 2_000

/** Grouped (`bench.grouped`, 2 at a time per key) or the same no-op jobs without a group. */
type GroupMode = 'grouped' | 'plain'

/** One job to enqueue: its key, for the grouped job; both modes carry the same data. */
type Item = { data: { n: number; key: string } }

/** Enqueues `items` through jobq's operations (grouped jobs must pass the gate), 1,000 a bulk. */
async function enqueueAll(ops: Operations, mode: GroupMode, items: readonly Item[]) {
  const name = mode === 'grouped' ? 'bench.grouped' : 'bench.noop'
  const ids: string[] = []
  for (let at = 0; at < items.length; at += 1_000) {
    ids.push(...(await ops.jobs.enqueueBulk(name, items.slice(at, at + 1_000))).ids)
  }
  return ids
}

/** Resolves once nothing waits, runs or is held back (held jobs are parked in `delayed`). */
const drainedAll = (ctx: BenchContext, prefix: string) => {
  const queue = ctx.queue('bench', prefix)
  return until(async () => {
    const counts = await queue.getJobCounts('wait', 'prioritized', 'active', 'delayed')
    return Object.values(counts).every((n) => n === 0)
  })
}

/**
 * Enqueues `items`, then starts one jobq worker at `concurrency` and times the drain. Answers
 * jobs/s and, per job (in `items` order), how long into the drain it started (ms after the
 * first start): the wait that ordering alone makes, whatever the enqueue took.
 */
async function drainItems(
  ctx: BenchContext,
  mode: GroupMode,
  items: readonly Item[],
  concurrency: number,
) {
  const prefix = await ctx.freshPrefix()
  const connection = createRedis({ url: ctx.redisUrl, role: 'producer' })
  const ops = createOperations({ registry, connection, prefix })
  try {
    await waitForReady(connection, 5_000)
    const ids = await enqueueAll(ops, mode, items)
    const worker = startChild(workerScript(ctx, 'jobq'), [String(concurrency)], {
      REDIS_URL: ctx.redisUrl,
      JOBQ_PREFIX: prefix,
    })
    try {
      await worker.next('ready')
      const started = performance.now()
      await drainedAll(ctx, prefix)
      const rate = items.length / ((performance.now() - started) / 1_000)
      return { rate, waits: await waitsOf(ctx, prefix, ids) }
    } finally {
      await worker.stop()
    }
  } finally {
    await ops.close()
    connection.disconnect()
  }
}

/** Each job's start, ms after the drain's first (from the job hashes the retention keeps). */
async function waitsOf(ctx: BenchContext, prefix: string, ids: readonly string[]) {
  const pipeline = ctx.redis.pipeline()
  for (const id of ids) pipeline.hget(`${prefix}:bench:${id}`, 'processedOn')
  const starts = ((await pipeline.exec()) ?? []).map(([, reply]) => Number(reply))
  const first = Math.min(...starts)
  return starts.map((at) => at - first)
}

/**
 * Drain rate (jobs/s) of `count` no-op jobs spread evenly over {@link GROUP_KEYS} keys: grouped
 * (each key at most 2 at a time) or plain. The cost per job of the gate: held back, dispatched,
 * released.
 */
async function groupedDrainRate(
  ctx: BenchContext,
  mode: GroupMode,
  count: number,
  concurrency: number,
) {
  const items = Array.from({ length: count }, (_, n) => ({
    data: { n, key: `k${n % GROUP_KEYS}` },
  }))
  return (await drainItems(ctx, mode, items, concurrency)).rate
}

/**
 * Fairness: `hot` jobs of one key enqueued first, then 2 jobs of each of the other 999 keys,
 * drained at `concurrency`. Answers the median wait (ms into the drain) of the hot key's jobs and
 * of the cold keys' jobs: without groups the cold ones wait behind every hot job; with them,
 * behind 2.
 */
async function hotKeyWaits(ctx: BenchContext, mode: GroupMode, hot: number, concurrency: number) {
  const hotItems = Array.from({ length: hot }, (_, n) => ({ data: { n, key: 'hot' } }))
  const coldItems = Array.from({ length: 2 * (GROUP_KEYS - 1) }, (_, n) => ({
    data: { n, key: `cold${n % (GROUP_KEYS - 1)}` },
  }))
  const { waits } = await drainItems(ctx, mode, [...hotItems, ...coldItems], concurrency)
  return { hot: median(waits.slice(0, hot)), cold: median(waits.slice(hot)) }
}

type Side = 'jobq' | 'baseline'
type Row = (s: string, unit: string, target: number, j: number[], b: number[]) => BenchResult

/** What main.ts lends a scenario: its paired rounds, its result rows, its log. */
export interface BenchKit {
  paired<T>(measure: (side: Side) => Promise<T>): Promise<{ jobq: T[]; baseline: T[] }>
  throughput: Row
  cost: Row
  log(result: BenchResult): void
}

/**
 * "Drain with groups" (issue 15): the drain rate with and without groups (target 0.7), and the
 * cold keys' median wait behind a hot key (fairness). Its baseline is jobq itself, the same
 * no-op jobs without a `group`.
 */
export async function drainWithGroups(ctx: BenchContext, count: number, kit: BenchKit) {
  const grouping = (side: Side): GroupMode => (side === 'jobq' ? 'grouped' : 'plain')
  const rates = await kit.paired((side) => groupedDrainRate(ctx, grouping(side), count, 10))
  const drain = `drain with groups (${GROUP_KEYS} keys, 2 at a time per key) vs without`
  const scenario = `${drain}, ${count} no-op jobs, concurrency 10`
  kit.log(kit.throughput(scenario, 'jobs/s', 0.7, rates.jobq, rates.baseline))
  const f = await kit.paired((side) => hotKeyWaits(ctx, grouping(side), HOT_JOBS, 10))
  const waits = (key: 'hot' | 'cold') =>
    [f.jobq.map((x) => x[key]), f.baseline.map((x) => x[key])] as const
  const fairness = `drain with groups: cold keys' median wait behind a hot key of ${HOT_JOBS} jobs`
  kit.log(kit.cost(fairness, 'ms', 1, ...waits('cold')))
  const [grouped, plain] = waits('hot').map((x) => median(x).toFixed(0))
  console.log(`  hot key's median wait: ${grouped} ms with groups, ${plain} ms without`)
}
