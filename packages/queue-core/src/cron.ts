import { getNextMillis } from 'bullmq'

/** A cron schedule as a definition declares it: a 5- or 6-field pattern and an IANA time zone. */
interface CronSchedule {
  pattern: string
  /** IANA zone, e.g. `Europe/Berlin`. @defaultValue the process's zone (set `UTC` in deploys) */
  tz?: string
}

/**
 * The next `count` run times (epoch ms) of `schedule` after `fromMs`, computed by the very
 * function BullMQ's job schedulers use (cron-parser underneath), so the DST behaviour the README
 * states is the one that runs: a time skipped by a spring-forward runs an hour later that day
 * (02:30 → 03:30), a time repeated by a fall-back runs once (the first), and sub-hourly patterns
 * run through the repeated hour in real time.
 */
export function nextRuns(schedule: CronSchedule, fromMs: number, count: number): number[] {
  const runs: number[] = []
  let at = fromMs
  for (let i = 0; i < count; i++) {
    const next = getNextMillis(at, { pattern: schedule.pattern, tz: schedule.tz })
    if (next === undefined) break // a pattern with no future run
    runs.push(next)
    at = next
  }
  return runs
}
