import { describe, duplicateCause } from './attribution.js'
import type { ExpectedJob } from './checker.js'
import type { FaultEvent } from './faults.js'
import type { Run } from './record.js'

/** Outcomes that end a job's run for good or park it: the job is no longer lost in flight. */
const ENDED = new Set<string | undefined>(['completed', 'failed', 'parked'])

/** A job whose handler completed more than once, and the fault that explains it. */
export interface Duplicate {
  jobId: string
  completions: number
  /** `documented`: its first completing process was killed -9 before BullMQ recorded it. */
  documented: boolean
  cause?: string
}

/** How fast the stack came back after one fault. */
export interface Recovery {
  seq: number
  kind: string
  target: string
  pid: number
  /** Redis: how long it was down (ms). */
  downMs?: number
  /** From the fault (Redis: from its restart) to the first completion of a job fetched after it. */
  firstCompletionMs: number | null
  /** Runs the fault cut off (a worker fault: its jobs in flight). */
  cutRuns?: number
  /** From the fault until every job it cut off had ended again elsewhere (null: some never did). */
  rerunsDoneMs?: number | null
}

/** Jobs whose handler completed more than once, with causes. */
export function duplicates(
  expected: readonly ExpectedJob[],
  runs: Map<string, Run[]>,
  faults: readonly FaultEvent[],
): Duplicate[] {
  return expected.flatMap((job) => {
    const list = runs.get(job.id) ?? []
    const done = list.filter((r) => r.outcome === 'completed')
    if (done.length < 2) return []
    const cause = duplicateCause(faults, done[0]!, done[1]!)
    return [
      {
        jobId: job.id,
        completions: done.length,
        documented: cause.documented,
        cause: cause.fault && `${describe(cause.fault)}${cause.why ? `: ${cause.why}` : ''}`,
      },
    ]
  })
}

/** Runs cut off (the process died, or a shutdown aborted them), by the fault that hit their process. */
export function cutRunsByCause(
  runs: Map<string, Run[]>,
  faults: readonly FaultEvent[],
): Record<string, number> {
  const byCause: Record<string, number> = {}
  for (const list of runs.values()) {
    for (const run of list) {
      if (run.outcome !== undefined && run.outcome !== 'aborted') continue
      const fault =
        faults.find((f) => f.pid === run.pid && f.at >= run.startAt) ??
        faults.find((f) => f.kind === 'redis-kill9' && f.at >= run.startAt)
      const key = fault?.kind ?? 'unexplained'
      byCause[key] = (byCause[key] ?? 0) + 1
    }
  }
  return byCause
}

/** Recovery after each Redis restart and each worker or pool-member fault. */
export function recoveries(runs: Map<string, Run[]>, faults: readonly FaultEvent[]): Recovery[] {
  const all = [...runs.values()].flat()
  const completions = all
    .filter((r) => r.outcome === 'completed' && r.endAt !== undefined)
    .sort((a, b) => a.endAt! - b.endAt!)
  return faults
    .filter(
      (f) => f.kind === 'redis-kill9' || f.kind.startsWith('worker-') || f.kind.startsWith('pool-'),
    )
    .filter((f) => f.pid)
    .map((fault) => {
      const from = fault.kind === 'redis-kill9' ? (fault.healedAt ?? fault.at) : fault.at
      const first = completions.find((r) => r.startAt > fault.at)
      const recovery: Recovery = {
        seq: fault.seq,
        kind: fault.kind,
        target: fault.target,
        pid: fault.pid,
        firstCompletionMs: first ? first.endAt! - from : null,
      }
      if (fault.kind === 'redis-kill9') return { ...recovery, downMs: from - fault.at }
      const cut = all.filter(
        (r) =>
          r.pid === fault.pid &&
          r.startAt <= fault.at &&
          (r.outcome === undefined || r.outcome === 'aborted'),
      )
      const ends = cut.map(
        (r) =>
          runs.get(r.jobId)!.find((later) => later.startAt > r.startAt && ENDED.has(later.outcome))
            ?.endAt,
      )
      const done = ends.filter((end) => end !== undefined)
      const rerunsDoneMs =
        done.length === ends.length ? Math.max(0, ...done.map((end) => end - fault.at)) : null
      return { ...recovery, cutRuns: cut.length, rerunsDoneMs }
    })
}
