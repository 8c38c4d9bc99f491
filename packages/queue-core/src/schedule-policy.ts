import { nextRuns } from './cron.js'

/**
 * What runs when a schedule's run is picked up late, i.e. later ticks have passed too (workers
 * were down or busy over several ticks): `'skip'` runs none of them (the late run is recorded
 * skipped), `'once'` one run for them all, `{ catchUp: n }` one run per missed tick, the most
 * recent `n` (1 to {@link MAX_CATCH_UP}).
 */
export type MissedPolicy = 'skip' | 'once' | { catchUp: number }

/**
 * What a tick does while the previous run of its schedule is still active, across every worker:
 * `'allow'` runs it alongside, `'skip'` skips it (recorded), `'queue'` holds it until that run
 * has finished.
 */
export type OverlapPolicy = 'allow' | 'skip' | 'queue'

/**
 * Today's behaviour of a BullMQ job scheduler left to itself when ticks pass unserved: their
 * runs collapse into one. Also what a report job (the usual schedule) wants after an outage.
 */
export const DEFAULT_MISSED: MissedPolicy = 'once'

/**
 * Overlapping runs are what plain BullMQ does; a schedule that must not overlap says so, and
 * pays one Redis call per run for it.
 */
export const DEFAULT_OVERLAP: OverlapPolicy = 'allow'

/**
 * The most runs one late pickup may make: a catch-up adds them all at once, and after a long
 * outage of a frequent schedule an unbounded catch-up would flood its queue.
 */
const MAX_CATCH_UP = 100

/** Refuses a policy no gate can keep: an unknown word, or a catch-up outside 1..MAX_CATCH_UP. */
export function checkSchedulePolicy(
  name: string,
  schedule: { missed?: unknown; overlap?: unknown },
): void {
  const { missed, overlap } = schedule
  const catchUp =
    typeof missed === 'object' && missed !== null && 'catchUp' in missed
      ? missed.catchUp
      : undefined
  const missedOk =
    missed === undefined ||
    missed === 'skip' ||
    missed === 'once' ||
    (Number.isInteger(catchUp) && (catchUp as number) >= 1 && (catchUp as number) <= MAX_CATCH_UP)
  if (!missedOk) {
    throw new TypeError(
      `job "${name}": schedule.missed must be 'skip', 'once' or { catchUp: n } with an integer n from 1 to ${MAX_CATCH_UP}`,
    )
  }
  if (overlap !== undefined && overlap !== 'allow' && overlap !== 'skip' && overlap !== 'queue') {
    throw new TypeError(`job "${name}": schedule.overlap must be 'allow', 'skip' or 'queue'`)
  }
}

/** The ticks counted at most in one late pickup (bounds the work after a long outage). */
const MAX_SCAN = 10_000

type Cron = { pattern: string; tz?: string }

/**
 * The ticks of `schedule` that passed after `tick` up to `nowMs` (epoch ms): how many (counted
 * up to 10,000) and the most recent `keep` of them, oldest first. Past the count's bound, the most
 * recent ones are found by scanning a window before `nowMs` that doubles until it holds `keep`.
 */
export function ticksSince(
  schedule: Cron,
  tick: number,
  nowMs: number,
  keep: number,
): { ticks: number[]; count: number } {
  const first = scan(schedule, tick, nowMs, keep)
  if (first.complete || keep === 0) return { ticks: first.ticks, count: first.count }
  let window = Math.max(1_000, (nextRuns(schedule, tick, 1)[0] ?? tick) - tick) * (keep + 1)
  for (;;) {
    const from = Math.max(first.last, nowMs - window)
    let recent = scan(schedule, from, nowMs, keep)
    // A window of many ticks (an irregular pattern): read it to its end, in bounded steps.
    while (!recent.complete) recent = scan(schedule, recent.last, nowMs, keep, recent.ticks)
    if (recent.ticks.length >= keep || from === first.last) {
      return { ticks: recent.ticks, count: first.count }
    }
    window *= 2
  }
}

/** Ticks after `from` up to `nowMs`, the last `keep` (after `kept`); stops after MAX_SCAN. */
function scan(schedule: Cron, from: number, nowMs: number, keep: number, kept: number[] = []) {
  const ticks = [...kept]
  let count = 0
  let at = from
  while (count < MAX_SCAN) {
    const [next] = nextRuns(schedule, at, 1)
    if (next === undefined || next > nowMs) return { ticks, count, complete: true, last: at }
    count++
    ticks.push(next)
    if (ticks.length > keep) ticks.shift()
    at = next
  }
  return { ticks, count, complete: false, last: at }
}
