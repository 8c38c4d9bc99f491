// Each scenario family's measurements turned into table rows (row.ts).
import type { BenchContext } from '../context.js'
import { backlogReads, type BacklogFigures } from './backlog.js'
import { idleCost } from './idle.js'
import { cliInfo, lookup } from './lookup.js'
import type { CallFigures } from './measure.js'
import { memoryPerJob } from './memory.js'
import { bothSides, repeat } from './paired.js'
import type { ScaleRow } from './row.js'
import type { ScaleSizes } from './sizes.js'
import { throughput } from './throughput.js'

const BULLMQ = 'BullMQ'

export async function memoryRows(ctx: BenchContext, sizes: ScaleSizes): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = []
  for (const bytes of sizes.payloadBytes) {
    // Byte counts do not drift between rounds: one round.
    const r = await bothSides(1, (side) => memoryPerJob(ctx, side, sizes.memoryJobs, bytes))
    for (const state of ['waiting', 'completed'] as const) {
      rows.push({
        family: 'memory',
        measure: `bytes per ${state} job`,
        x: bytes,
        unit: 'B/job',
        jobq: r.jobq.map((m) => m[state]),
        baseline: r.bullmq.map((m) => m[state]),
        baselineIs: BULLMQ,
        better: 'lower',
        target: 0.91, // jobq ≤ 1.1 × BullMQ
      })
    }
  }
  return rows
}

/** Rows of call figures at sizes `xs`, the baseline being the same call at the first size. */
function growthRows(
  family: ScaleRow['family'],
  name: string,
  xs: number[],
  figures: CallFigures[][], // [round][size]
  baselineIs: string,
  targets: { latency?: number; commands?: number; redisUs?: number } = {},
): ScaleRow[] {
  const measures = [
    { key: 'p50', measure: `${name} p50`, unit: 'ms', target: targets.latency },
    // commandstats counts the commands a script runs too, not only those sent.
    {
      key: 'commands',
      measure: `${name} Redis commands per call (in scripts too)`,
      unit: 'cmd',
      target: targets.commands,
    },
    { key: 'redisUs', measure: `${name} Redis CPU per call`, unit: 'µs', target: targets.redisUs },
  ] as const
  const of = (key: (typeof measures)[number]['key'], i: number) =>
    figures.map((round) => round[i]![key])
  return xs.slice(1).flatMap((x, n) =>
    measures.map(({ key, measure, unit, target }) => ({
      family,
      measure,
      x,
      unit,
      jobq: of(key, n + 1),
      baseline: of(key, 0),
      baselineIs,
      better: 'lower' as const,
      ...(target && { target }),
    })),
  )
}

export async function lookupRows(ctx: BenchContext, sizes: ScaleSizes) {
  const xs = sizes.registryQueues
  const rounds = await repeat(sizes.rounds, async () => {
    const figures = []
    for (const queues of xs) figures.push(await lookup(ctx, queues, sizes.calls))
    return figures
  })
  const one = `jobq, ${xs[0]} queue`
  const most = [xs[0]!, xs[xs.length - 1]!]
  const cli = await repeat(1, async () => [
    await cliInfo(ctx, most[0]!, sizes.rounds + 2),
    await cliInfo(ctx, most[1]!, sizes.rounds + 2),
  ])
  return [
    ...growthRows(
      'lookup',
      'GET /v1/jobs/:id',
      xs,
      rounds.map((r) => r.map((f) => f.jobById)),
      one,
      // One script call whatever the number of queues; inside it, one HEXISTS per queue.
      { latency: 0.8, redisUs: 0.8 },
    ),
    ...growthRows(
      'lookup',
      'GET /v1/queues',
      xs,
      rounds.map((r) => r.map((f) => f.queueList)),
      one,
    ),
    ...growthRows('lookup', '`jobq info --json` (whole process)', most, cli, one),
  ]
}

export async function idleRows(ctx: BenchContext, sizes: ScaleSizes): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = []
  for (const queues of sizes.workerQueues) {
    const r = await bothSides(Math.min(2, sizes.rounds), (side) =>
      idleCost(ctx, side, queues, sizes.idleSeconds),
    )
    const row = (
      measure: string,
      unit: string,
      key: 'connections' | 'commandsPerSecond' | 'cpuPercent',
    ) => ({
      family: 'idle' as const,
      measure,
      x: queues,
      unit,
      jobq: r.jobq.map((m) => m[key]),
      baseline: r.bullmq.map((m) => m[key]),
      baselineIs: `BullMQ, ${queues} Worker(s)`,
      better: 'lower' as const,
    })
    rows.push(
      row('Redis connections held', 'conn', 'connections'),
      row('idle Redis commands per second', 'cmd/s', 'commandsPerSecond'),
      row('idle CPU of the process', '% core', 'cpuPercent'),
    )
    console.log(
      `  idle ${queues} queues, commands: jobq ${JSON.stringify(r.jobq[0]?.commands)}, BullMQ ${JSON.stringify(r.bullmq[0]?.commands)}`,
    )
  }
  return rows
}

export async function backlogRows(ctx: BenchContext, sizes: ScaleSizes): Promise<ScaleRow[]> {
  const figures: BacklogFigures[] = []
  for (const count of sizes.backlog) figures.push(await backlogReads(ctx, count, sizes.calls))
  const reads: [keyof BacklogFigures, string, { latency?: number; commands?: number }][] = [
    ['queues', 'GET /v1/queues', { latency: 0.5, commands: 0.9 }],
    [
      'firstPage',
      'GET /v1/queues/q0/jobs?state=waiting first page',
      { latency: 0.5, commands: 0.9 },
    ],
    ['deepPage', 'GET /v1/queues/q0/jobs?state=waiting middle page', { commands: 0.9 }],
    ['metrics', 'GET /metrics', { latency: 0.5, commands: 0.9 }],
  ]
  const reference = `jobq at ${sizes.backlog[0]!.toLocaleString('en')} waiting`
  return reads.flatMap(([key, name, targets]) =>
    growthRows('backlog', name, sizes.backlog, [figures.map((f) => f[key])], reference, targets),
  )
}

export async function throughputRows(ctx: BenchContext, sizes: ScaleSizes): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = []
  for (const processes of sizes.processes) {
    const r = await bothSides(Math.min(2, sizes.rounds), (side) =>
      throughput(ctx, side, processes, sizes.throughputJobs),
    )
    for (const phase of ['enqueue', 'drain'] as const) {
      const base = { family: 'throughput' as const, x: processes, baselineIs: BULLMQ }
      rows.push(
        {
          ...base,
          measure: `${phase} rate`,
          unit: 'jobs/s',
          jobq: r.jobq.map((m) => m[phase].perSecond),
          baseline: r.bullmq.map((m) => m[phase].perSecond),
          better: 'higher',
        },
        {
          ...base,
          measure: `Redis CPU while ${phase === 'enqueue' ? 'enqueueing' : 'draining'}`,
          unit: '% core',
          jobq: r.jobq.map((m) => m[phase].redisCpu),
          baseline: r.bullmq.map((m) => m[phase].redisCpu),
          better: 'lower',
        },
      )
    }
  }
  return rows
}
