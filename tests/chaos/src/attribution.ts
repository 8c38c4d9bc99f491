import type { FaultEvent } from './faults.js'
import type { Run } from './record.js'
import { WORKER_SETTINGS } from './stack.js'

// Which fault explains what the checker found: read from the fault log's timeline and the pids
// the handlers recorded. The log is in time order, so `findLast` is the latest.

/** The latest fault at or before `at` (after `after`, if given), else any fault that hit a run's process. */
function faultBefore(
  faults: readonly FaultEvent[],
  at: number,
  runs: readonly Run[] = [],
  after = 0,
): FaultEvent | undefined {
  const pids = new Set(runs.map((r) => r.pid))
  return (
    faults.findLast((f) => pids.has(f.pid) && f.at <= at && f.at >= after) ??
    faults.findLast((f) => f.at <= at && f.at >= after)
  )
}

/**
 * Why a job's handler completed a second time (`second`) after its first completion (`first`):
 * - `documented`: the first completer was killed -9 after its handler returned and before the
 *   second run began (the window docs/reliability.md names: at-least-once);
 * - `documented` too: a Redis outage longer than half the lock that was on when the first run ended:
 *   the completion could not be recorded, the lock expired meanwhile, and the stalled check gave
 *   the job out again (docs/reliability.md names this window too). A shorter outage explains
 *   nothing: the worker writes the outcome once Redis is back, before the lock runs out;
 * - else the last fault before the second run (a guess, marked so).
 */
export function duplicateCause(
  faults: readonly FaultEvent[],
  first: Run,
  second: Run,
  lockMs = WORKER_SETTINGS.lockMs,
): { documented: boolean; fault?: FaultEvent; why?: string } {
  const endedAt = first.endAt ?? first.startAt
  const killed = faults.find(
    (f) =>
      f.pid === first.pid && f.kind.endsWith('kill9') && f.at >= endedAt && f.at <= second.startAt,
  )
  if (killed)
    return {
      documented: true,
      fault: killed,
      why: 'first completer killed -9 before BullMQ recorded it',
    }
  const outage = outcomeLostIn(faults, first, lockMs)
  if (outage)
    return {
      documented: true,
      fault: outage,
      why: 'first run overlapped a Redis outage longer than half the lock',
    }
  const before = faultBefore(faults, second.startAt, [first, second], first.startAt)
  return { documented: false, fault: before, why: before && 'nearest fault before the second run' }
}

/**
 * The Redis outage in which a run lost its lock, if any: one that overlapped the run and lasted
 * longer than half the lock. BullMQ renews a lock every lockMs / 2, and a Redis restarted from its
 * AOF expires locks whose time passed while it was down, so the stalled check gives the job out
 * again and the run's outcome is refused. docs/reliability.md names this window.
 */
function outcomeLostIn(
  faults: readonly FaultEvent[],
  run: Pick<Run, 'startAt' | 'endAt'>,
  lockMs = WORKER_SETTINGS.lockMs,
): FaultEvent | undefined {
  const endedAt = run.endAt ?? run.startAt
  return faults.find(
    (f) =>
      f.kind === 'redis-kill9' &&
      f.at <= endedAt &&
      (f.healedAt ?? Infinity) >= run.startAt &&
      (f.healedAt ?? Infinity) - f.at > lockMs / 2,
  )
}

/**
 * Whether a completed run's outcome may have been lost, so that it counts as a used start: its
 * process was killed -9 after the handler returned and before the job's next start (`nextStartAt`),
 * or it lost its lock in a long Redis outage ({@link outcomeLostIn}). Both are the documented
 * at-least-once windows.
 */
export function completionLost(
  faults: readonly FaultEvent[],
  run: Run,
  nextStartAt = Infinity,
): boolean {
  const endedAt = run.endAt ?? run.startAt
  const killed = faults.some(
    (f) => f.pid === run.pid && f.kind.endsWith('kill9') && f.at >= endedAt && f.at <= nextStartAt,
  )
  return killed || outcomeLostIn(faults, run) !== undefined
}

/**
 * The fault that most likely cut a job's runs short: the last one that hit the process of one of
 * its cut-off runs, else a Redis outage one of its runs ended in, else the last one within 10 s
 * after its last run began.
 */
export function faultOfRuns(
  faults: readonly FaultEvent[],
  runs: readonly Run[],
): FaultEvent | undefined {
  const hits = runs
    .filter((r) => r.outcome === undefined || r.outcome === 'aborted')
    .map((r) => faults.find((f) => f.pid === r.pid && f.at >= r.startAt))
    .filter((f) => f !== undefined)
  // A run whose end fell in a Redis outage: its outcome was never recorded.
  const outage = runs
    .map((r) => r.endAt ?? Infinity)
    .map((end) =>
      faults.find(
        (f) => f.kind === 'redis-kill9' && f.at <= end && (f.healedAt ?? Infinity) >= end,
      ),
    )
    .findLast((f) => f !== undefined)
  return hits.at(-1) ?? outage ?? faultBefore(faults, (runs.at(-1)?.startAt ?? Infinity) + 10_000)
}

/** `#seq kind target pid at`, how the report names a fault. */
export function describe(fault: FaultEvent | undefined): string | undefined {
  return fault && `#${fault.seq} ${fault.kind} ${fault.target} pid ${fault.pid} at ${iso(fault.at)}`
}

/** An epoch-ms time as ISO-8601, `?` when unknown. */
export const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : '?')
