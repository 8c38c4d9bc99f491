import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { InvariantResult } from './checker.js'
import type { Duplicate, Recovery } from './figures.js'

/** What a run reports beside its verdicts: the figures docs/reliability.md quotes. */
export interface ChaosFigures {
  seed: number
  minutes: number
  acknowledged: number
  acknowledgedByKind: Record<string, number>
  /** The fan-out children beside them, checked the same way. */
  children: number
  answers: Record<string, number>
  handlerRuns: number
  faults: Record<string, number>
  /** Handler runs cut off, by the fault that hit their process (each ran again). */
  cutRuns: Record<string, number>
  duplicates: Duplicate[]
  recoveries: Recovery[]
  /** From the end of the faults (stack healed) until every job was final; null: never. */
  finalStateMs: number | null
}

const MAX_SHOWN = 10

/** Prints verdicts and figures as a person reads them. */
export function printReport(
  results: readonly InvariantResult[],
  figures: ChaosFigures,
  print: (line: string) => void,
): void {
  print('')
  print(`[chaos] seed ${figures.seed}, ${figures.minutes} min`)
  print(
    `[chaos] ${figures.acknowledged} jobs acknowledged ${JSON.stringify(figures.acknowledgedByKind)} + ${figures.children} fan-out children; ${figures.handlerRuns} handler runs`,
  )
  print(`[chaos] answers ${JSON.stringify(figures.answers)}`)
  print(`[chaos] faults ${JSON.stringify(figures.faults)}`)
  print(`[chaos] runs cut off, by cause ${JSON.stringify(figures.cutRuns)}`)
  print(`[chaos] duplicates: ${figures.duplicates.length}`)
  for (const d of figures.duplicates.slice(0, MAX_SHOWN)) {
    print(
      `  ${d.jobId} ×${d.completions} ${d.documented ? '(documented window)' : ''} ← ${d.cause ?? 'no fault'}`,
    )
  }
  for (const r of figures.recoveries) print(`[chaos] recovery ${formatRecovery(r)}`)
  const final =
    figures.finalStateMs === null ? 'never' : `${(figures.finalStateMs / 1_000).toFixed(1)} s`
  print(`[chaos] every job final ${final} after the faults stopped`)
  print('')
  for (const r of results) {
    print(
      `[chaos] ${r.status.toUpperCase().padEnd(4)} ${r.name} (${r.checked} checked): ${r.promise}`,
    )
    if (r.note) print(`       ${r.note}`)
    for (const v of r.violations.slice(0, MAX_SHOWN)) {
      print(`       - ${v.jobId ? `${v.jobId}: ` : ''}${v.detail}${v.fault ? ` ← ${v.fault}` : ''}`)
    }
    if (r.violations.length > MAX_SHOWN)
      print(`       … ${r.violations.length - MAX_SHOWN} more in report.json`)
  }
}

function formatRecovery(r: Recovery): string {
  const ms = (value: number | null | undefined) => (value == null ? 'never' : `${value} ms`)
  const head = `#${r.seq} ${r.kind} ${r.target} pid ${r.pid}:`
  if (r.kind === 'redis-kill9') {
    return `${head} down ${ms(r.downMs)}, first completion ${ms(r.firstCompletionMs)} after the restart`
  }
  return `${head} ${r.cutRuns} runs cut off, all ended elsewhere after ${ms(r.rerunsDoneMs)}; first completion of a job taken after it ${ms(r.firstCompletionMs)}`
}

/** Adds the invariants to `npm test`'s running totals and prints its closing line. */
export function addTotals(
  file: string | undefined,
  results: readonly InvariantResult[],
  print: (line: string) => void,
): void {
  const mine = {
    passed: results.filter((r) => r.status === 'pass').length,
    failed: results.filter((r) => r.status === 'fail').length,
    skipped: results.filter((r) => r.status === 'skip').length,
  }
  if (!file)
    return print(`Tests: ${mine.passed} passed, ${mine.failed} failed, ${mine.skipped} skipped`)
  let before = { passed: 0, failed: 0, skipped: 0 }
  try {
    before = JSON.parse(readFileSync(file, 'utf8')) as typeof before
  } catch {
    // no earlier suite in this run
  }
  const sum = {
    passed: before.passed + mine.passed,
    failed: before.failed + mine.failed,
    skipped: before.skipped + mine.skipped,
  }
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify(sum))
  print(`\nTests: ${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped`)
}
