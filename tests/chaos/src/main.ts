import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseChaosArgs, USAGE, type ChaosArgs } from './args.js'
import { check, childrenOf, type ExpectedJob, type JobRead } from './checker.js'
import { chaosEnv } from './env.js'
import { FaultInjector, type FaultEvent } from './faults.js'
import { cutRunsByCause, duplicates, recoveries } from './figures.js'
import { call } from './http.js'
import { runLoad, type LoadResult } from './load.js'
import { parseRuns } from './record.js'
import { addTotals, printReport, type ChaosFigures } from './report.js'
import { FAULT_KINDS, planFaults } from './schedule.js'
import { Stack, WORKER_SETTINGS } from './stack.js'
import { watchActive } from './watch.js'

const print = (line: string) => console.log(line)
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

/** Single workers beside the `--processes 2` pool, and concurrent HTTP clients. */
const WORKERS = 2
const CLIENTS = 3
/** Every job must be final this long after the faults stop (the bounded recovery time). */
export const RECOVERY_LIMIT_MS = 60_000
/**
 * A job may sit active under a dead worker for lock + 2 × stalled interval (the stalled check's
 * worst case) plus the worker record's TTL (3 heartbeats) plus 5 s of slack for a loaded machine.
 */
const STRANDED_LIMIT_MS =
  WORKER_SETTINGS.lockMs +
  2 * WORKER_SETTINGS.stalledIntervalMs +
  3 * WORKER_SETTINGS.heartbeatMs +
  5_000

let args: ChaosArgs
try {
  args = parseChaosArgs(process.argv.slice(2))
} catch (err) {
  console.error(`chaos: ${(err as Error).message}\n\n${USAGE}`)
  process.exit(2)
}
if (args.help) {
  print(USAGE)
  process.exit(0)
}

const out = resolve(args.out ?? join(repoRoot, '.jobq', 'chaos', `seed-${args.seed}`))
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
print(
  `[chaos] seed ${args.seed}, ${args.minutes} min (replay: pnpm test:chaos --seed ${args.seed} --minutes ${args.minutes}); fault log, report and logs in ${out}`,
)

const record = join(out, 'record.log')
const stack = await Stack.start({
  dir: out,
  prefix: `chaos-${args.seed}`,
  record,
  workers: WORKERS,
})
process.once('SIGINT', () => void stack.stop().then(() => process.exit(130)))
let failed: boolean
try {
  failed = await run(stack)
} finally {
  await stack.stop()
}
process.exit(failed ? 1 : 0)

/** Load and faults for the run's duration, recovery, then the checker. True if any check failed. */
async function run(stack: Stack): Promise<boolean> {
  const durationMs = Math.round(args.minutes * 60_000)
  const plan = planFaults({ seed: args.seed, durationMs, workers: WORKERS })
  writeFileSync(join(out, 'plan.json'), JSON.stringify(plan, null, 2))
  const startedAt = Date.now()
  const injector = new FaultInjector(stack, startedAt, print)
  const stopLoad = new AbortController()
  const stopWatch = new AbortController()
  const load: LoadResult = { acked: new Map(), pairs: [], answers: new Map() }
  const loading = runLoad(stack.url, args.seed, CLIENTS, stopLoad.signal, load)
  const watching = watchActive(stack.url, STRANDED_LIMIT_MS, stopWatch.signal)

  for (const fault of plan) {
    await sleep(Math.max(0, startedAt + fault.atMs - Date.now()))
    await injector.apply(fault)
  }
  await sleep(Math.max(0, startedAt + durationMs - Date.now()))
  stopLoad.abort()
  await loading
  const healedAt = await injector.heal()
  writeFileSync(
    join(out, 'faults.json'),
    JSON.stringify({ seed: args.seed, faults: injector.log, stops: injector.stops }, null, 2),
  )
  print(
    `[chaos] faults over, stack healed; waiting up to ${RECOVERY_LIMIT_MS / 1_000} s for every job to end`,
  )

  const expected = [...load.acked.values()].flatMap((job): ExpectedJob[] => [
    job,
    ...childrenOf(job),
  ])
  const finalAt = await awaitFinal(stack.url, expected, healedAt + RECOVERY_LIMIT_MS)
  stopWatch.abort()
  const { stranded, samples } = await watching
  // Once final, a job no longer changes: one more read of each gives the checker its history.
  const reads = await readAll(
    stack.url,
    expected.map((job) => job.id),
  )
  const runs = parseRuns(readFileSync(record, 'utf8'))

  // Planned faults that found their target already down hit nothing: they explain nothing.
  const hits = injector.log.filter((fault) => !fault.skipped)
  const results = check({
    expected,
    reads,
    runs,
    faults: hits,
    stops: injector.stops,
    stranded,
    samples,
    pairs: load.pairs,
    answers: load.answers,
    waitedS: Math.round((Date.now() - healedAt) / 1_000),
  })
  const figures = figuresOf(load, expected, runs, hits, finalAt && finalAt - healedAt)
  printReport(results, figures, print)
  writeFileSync(join(out, 'report.json'), JSON.stringify({ figures, results }, null, 2))
  addTotals(chaosEnv.totalsFile, results, print)
  return results.some((r) => r.status === 'fail')
}

function figuresOf(
  load: LoadResult,
  expected: readonly ExpectedJob[],
  runs: ReturnType<typeof parseRuns>,
  hits: readonly FaultEvent[],
  finalStateMs: number | null,
): ChaosFigures {
  const byKind: Record<string, number> = {}
  for (const job of load.acked.values()) byKind[job.kind] = (byKind[job.kind] ?? 0) + 1
  const logged = FAULT_KINDS.filter((kind) => kind !== 'outage-sigterm') // logged as its two parts
  const faults = Object.fromEntries(logged.map((kind) => [kind, 0]))
  for (const fault of hits) faults[fault.kind]!++
  return {
    seed: args.seed,
    minutes: args.minutes,
    acknowledged: load.acked.size,
    acknowledgedByKind: byKind,
    children: expected.length - load.acked.size,
    answers: Object.fromEntries(load.answers),
    handlerRuns: [...runs.values()].reduce((sum, list) => sum + list.length, 0),
    faults,
    cutRuns: cutRunsByCause(runs, hits),
    duplicates: duplicates(expected, runs, hits),
    recoveries: recoveries(runs, hits),
    finalStateMs,
  }
}

/** Reads the jobs not yet final until all are, or `deadline`; resolves with when (or null). */
async function awaitFinal(url: string, jobs: readonly ExpectedJob[], deadline: number) {
  let pending = jobs.map((job) => job.id)
  for (;;) {
    const reads = await readAll(url, pending)
    pending = pending.filter((id) => !['completed', 'failed'].includes(reads.get(id)?.state ?? ''))
    if (pending.length === 0) return Date.now()
    if (Date.now() > deadline) return null
    await sleep(500)
  }
}

/** GET /v1/jobs/:id for each id, 16 at a time; null for a 404, undefined if unanswered. */
async function readAll(url: string, ids: readonly string[]) {
  const reads = new Map<string, JobRead | null>()
  let next = 0
  const reader = async () => {
    while (next < ids.length) {
      const id = ids[next++]!
      const answer = await call(url, 'GET', `/v1/jobs/${encodeURIComponent(id)}`)
      if (answer.status === 200) reads.set(id, answer.body as JobRead)
      else if (answer.status === 404) reads.set(id, null)
    }
  }
  await Promise.all(Array.from({ length: 16 }, reader))
  return reads
}
