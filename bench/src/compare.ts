// The regression guard: `pnpm bench --compare <older.json>` prints what moved between an older
// latest.json and this run by more than the runs' own spread (the rounds' min..max).
import { readFileSync } from 'node:fs'
import type { BenchResult } from './context.js'

type Range = readonly [number, number]

/** jobq against the baseline, oriented so that higher is better; 1 when both are 0 (idle). */
export function ratioOf(jobq: number, baseline: number, higher: 'better' | 'worse') {
  if (jobq === baseline) return 1
  return higher === 'better' ? jobq / baseline : baseline / jobq
}

/** The rounds' [min, max] of each figure, and of the per-round ratio (rounds are paired). */
export function spreadOf(jobq: number[], baseline: number[], higher: 'better' | 'worse') {
  const range = (values: number[]): Range => [Math.min(...values), Math.max(...values)]
  const ratios = jobq.map((j, i) => ratioOf(j, baseline[i] ?? baseline[0]!, higher))
  return { jobq: range(jobq), baseline: range(baseline), ratio: range(ratios) }
}

/** A line of latest.json as read back: files from before the spread was kept have none. */
type Stored = Pick<BenchResult, 'scenario' | 'jobq' | 'ratio' | 'unit'> & {
  spread?: { jobq: Range; ratio: Range }
}

/** Without a recorded spread (one round, or an old file), a move must pass this share. */
const FLOOR = 0.05

/** How far a figure may move unnoticed: the wider of both runs' spreads, at least FLOOR of it. */
function tolerance(value: number, ...ranges: (Range | undefined)[]) {
  const widths = ranges.map((range) => (range ? range[1] - range[0] : 0))
  return Math.max(...widths, Math.abs(value) * FLOOR)
}

function moves(older: Stored, newer: Stored): string[] {
  const out: string[] = []
  const check = (what: string, was: number, now: number, ranges: (Range | undefined)[]) => {
    const allowed = tolerance(was, ...ranges)
    if (Math.abs(now - was) <= allowed) return
    const pct = ((now - was) / Math.abs(was)) * 100
    out.push(
      `  ${newer.scenario}: ${what} ${was.toFixed(2)} → ${now.toFixed(2)} (${pct >= 0 ? '+' : ''}${pct.toFixed(0)}%, spread ±${allowed.toFixed(2)})`,
    )
  }
  check('ratio', older.ratio, newer.ratio, [older.spread?.ratio, newer.spread?.ratio])
  check(`jobq ${newer.unit}`, older.jobq, newer.jobq, [older.spread?.jobq, newer.spread?.jobq])
  return out
}

/** The report: moved figures (a higher ratio is better), then what could not be compared. */
export function compareResults(older: Stored[], newer: Stored[]): string {
  const before = new Map(older.map((entry) => [entry.scenario, entry]))
  const moved = newer.flatMap((entry) => {
    const was = before.get(entry.scenario)
    return was ? moves(was, entry) : []
  })
  const fresh = newer.filter((entry) => !before.has(entry.scenario)).length
  return [
    moved.length ? 'Moved beyond the spread:' : 'Nothing moved beyond the spread.',
    ...moved,
    `(${newer.length - fresh} compared, ${fresh} new in this run)`,
  ].join('\n')
}

export const readResults = (path: string): Stored[] =>
  JSON.parse(readFileSync(path, 'utf8')) as Stored[]
