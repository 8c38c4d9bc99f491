// One measured point of a scale scenario, and how it becomes a line of latest.json.
import { ratioOf, spreadOf } from '../compare.js'
import type { BenchResult } from '../context.js'
import { median } from '../stats.js'

/** Scenario families: one table and one plot each. */
export type Family = 'memory' | 'lookup' | 'idle' | 'backlog' | 'throughput'

export interface ScaleRow {
  family: Family
  /** What was measured, without the size (the plot's series). */
  measure: string
  /** The size on the plot's x axis (payload bytes, queues, jobs, processes). */
  x: number
  unit: string
  /** The rounds' values; the row shows their median, latest.json keeps their spread. */
  jobq: number[]
  /** Plain BullMQ doing the same, where it can; else what the row says it is. */
  baseline: number[]
  baselineIs: string
  /** Which way is better: a cost (memory, latency, commands) or a rate. */
  better: 'lower' | 'higher'
  /** Ratio target (≥, oriented so higher is better), where the issue sets one. */
  target?: number
}

/** The row as a latest.json line: the old five fields, plus the family and the rounds' spread. */
export function toResult(row: ScaleRow): BenchResult {
  const [j, b] = [median(row.jobq), median(row.baseline)]
  const higher = row.better === 'higher' ? 'better' : 'worse'
  return {
    scenario: `scale: ${row.measure} @ ${row.x}`,
    jobq: j,
    baseline: b,
    ratio: ratioOf(j, b, higher),
    unit: row.unit,
    target: row.target ?? 0,
    spread: spreadOf(row.jobq, row.baseline, higher),
  }
}
