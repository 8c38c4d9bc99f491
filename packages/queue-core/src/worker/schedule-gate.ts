import { DelayedError, type Job } from 'bullmq'
import type { AnyJobDefinition, JobSchedule } from '../define-job.js'
import { toBullOptions } from '../job-options.js'
import { script } from '../lua-script.js'
import { DEFAULT_MISSED, DEFAULT_OVERLAP, ticksSince } from '../schedule-policy.js'
import { ScheduleState, scheduleStateKeyOf, type SkipReason } from '../schedule-state.js'
import { SCHEDULER_ID_PREFIX, tickOfRun } from '../schedules.js'
import type { WorkerRuntime } from './runtime.js'

/** The job option that marks a catch-up run (its value: the tick, epoch ms). */
export const CATCH_UP_OPTION = 'jobqScheduleTick'

/** How long a run held by overlap `'queue'` waits before it checks again, in ms. */
const QUEUE_RECHECK_MS = 500

/**
 * Gives the start back (BullMQ's `ats`, see attempt-budget.ts: a held run is not an attempt) and
 * puts run ARGV[2] of tick ARGV[1] in the schedule's held runs, so runs claim in tick order and
 * its next pickup, late by then, is not taken for a missed one. Never recreates a removed job.
 */
const HOLD = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'ats') or '0') > 0 then
  redis.call('HINCRBY', KEYS[1], 'ats', -1)
end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
return 1`)

/** What a run that did not execute completes with (its job's result). */
interface SkippedRun {
  skipped: SkipReason
  scheduledAt: string
}

/**
 * The worker's side of schedule policies (README "Schedule policies"), asked before each run of
 * a jobq schedule starts, by scheduler runs and catch-up runs alike; other jobs never reach it.
 * `missed`: a scheduler run picked up after later ticks passed is skipped, run once, or run and
 * joined by catch-up runs for the most recent missed ticks (added with BullMQ's own run ids,
 * `repeat:<scheduler id>:<tick>`, so two pickups never add one twice). `overlap`: an atomic
 * claim in Redis, held while the handler runs and only as long as the holder's BullMQ lock
 * lives, so it holds across workers and processes and a crashed run does not block for good.
 */
export class ScheduleGate {
  private readonly jobs: Map<string, AnyJobDefinition>

  constructor(
    private readonly runtime: Pick<
      WorkerRuntime,
      'connection' | 'prefix' | 'logger' | 'history' | 'record' | 'queueHandles'
    >,
    jobs: readonly AnyJobDefinition[],
  ) {
    this.jobs = new Map(jobs.filter((job) => job.schedule).map((job) => [job.name, job]))
  }

  /** True for a run of a jobq schedule: one cheap test, for the hot path. */
  static isScheduledRun(job: Job): boolean {
    return (
      job.repeatJobKey?.startsWith(SCHEDULER_ID_PREFIX) === true ||
      job.opts[CATCH_UP_OPTION as keyof typeof job.opts] !== undefined
    )
  }

  /**
   * Runs `proceed` (the handler) as the policies allow: answers its result, or a
   * {@link SkippedRun} for a tick that does not run, or rejects with `DelayedError` for a run
   * held back (overlap `'queue'`).
   */
  async run(job: Job, token: string, proceed: () => Promise<unknown>): Promise<unknown> {
    const definition = this.jobs.get(job.name)
    const tick = tickOfRun(job.id ?? '')
    if (!definition?.schedule || tick === null) return proceed()
    const schedule = definition.schedule
    const state = this.stateOf(job)
    if (job.repeatJobKey && ScheduleGate.isFirstStart(job)) {
      const skip = await this.applyMissed(job, schedule, tick, state)
      if (skip) return skip
    }
    const overlap = schedule.overlap ?? DEFAULT_OVERLAP
    const holder = await state.start(job.id!, tick, overlap)
    if (holder !== null) {
      if (overlap === 'skip') return this.skip(state, tick, 'overlap')
      return this.hold(job, token, tick, holder, state)
    }
    if (overlap === 'allow') return proceed()
    try {
      return await proceed()
    } finally {
      await state.finish(job.id!).catch((err: unknown) => {
        // The claim then lapses with this run's lock (see ScheduleState.start).
        this.runtime.logger.warn({ err, jobId: job.id }, 'schedule claim not released')
      })
    }
  }

  /**
   * True on a run's first start: no attempt ended yet and this is its only start. A retry after
   * backoff or a restart after a crash is late by design, not a missed tick: its tick was decided
   * at the first start (skipping it would turn a failure into "skipped", catching up again would
   * add the catch-up runs twice). A run held by overlap 'queue' got its start back (HOLD), so its
   * next pickup is still a first start; `wasHeld` tells those apart in {@link applyMissed}.
   */
  private static isFirstStart(job: Job): boolean {
    return job.attemptsMade === 0 && (job.attemptsStarted ?? 1) <= 1
  }

  private stateOf(job: Job): ScheduleState {
    const schedulerId = `${SCHEDULER_ID_PREFIX}${job.name}`
    const key = scheduleStateKeyOf(this.runtime.prefix, job.queueName, schedulerId)
    return new ScheduleState(this.runtime.connection, key, `${job.queueQualifiedName}:`)
  }

  /**
   * The missed policy of a scheduler run whose later ticks have passed: answers a SkippedRun when
   * this run is not to execute, else undefined (after adding the catch-up runs it asks for).
   */
  private async applyMissed(
    job: Job,
    schedule: JobSchedule,
    tick: number,
    state: ScheduleState,
  ): Promise<SkippedRun | undefined> {
    const missed = schedule.missed ?? DEFAULT_MISSED
    if (missed === 'once') return undefined
    const keep = missed === 'skip' ? 0 : missed.catchUp
    const later = ticksSince(schedule, tick, Date.now(), keep)
    if (later.count === 0) return undefined // on time
    // A run held back by overlap 'queue' is late by then; its tick was decided at its first pickup.
    if (await state.wasHeld(job.id!)) return undefined
    if (missed === 'skip') return this.skip(state, tick, 'missed', later.count + 1)
    // The most recent `catchUp` ticks of all those due: this run's own tick and the later ones.
    const due = [tick, ...later.ticks].slice(-missed.catchUp)
    const extra = due.filter((t) => t !== tick)
    await this.addCatchUps(job, extra)
    const dropped = later.count + 1 - due.length
    this.runtime.logger.info(
      { jobName: job.name, tick, catchUps: extra.length, dropped },
      'schedule caught up on missed ticks',
    )
    if (due[0] === tick) {
      if (dropped) await state.skipped(tick, 'missed', dropped)
      return undefined
    }
    return this.skip(state, tick, 'missed', dropped)
  }

  /** Adds one run per tick, as the schedule's template would (same data and options). */
  private async addCatchUps(job: Job, ticks: readonly number[]): Promise<void> {
    if (!ticks.length) return
    const definition = this.jobs.get(job.name)!
    const queue = this.runtime.queueHandles.get(job.queueName)
    const base = toBullOptions(definition, {}, '')
    await queue.addBulk(
      ticks.map((tick) => ({
        name: job.name,
        data: job.data as unknown,
        opts: { ...base, jobId: `repeat:${job.repeatJobKey}:${tick}`, [CATCH_UP_OPTION]: tick },
      })),
    )
  }

  private async skip(
    state: ScheduleState,
    tick: number,
    reason: SkipReason,
    count = 1,
  ): Promise<SkippedRun> {
    await state.skipped(tick, reason, count)
    return { skipped: reason, scheduledAt: new Date(tick).toISOString() }
  }

  /**
   * Overlap 'queue': back to `delayed` for a short while, not counted as an attempt, and in the
   * schedule's held runs (oldest tick claims first).
   */
  private async hold(
    job: Job,
    token: string,
    tick: number,
    holder: string,
    state: ScheduleState,
  ): Promise<never> {
    const reason = `schedule run held: an earlier run (${holder}) is active or waiting`
    this.runtime.history.ended(job, 'handed-back', reason)
    this.runtime.record.jobReleased(job.id ?? '')
    const keys = [`${job.queueQualifiedName}:${job.id}`, state.heldKey]
    await HOLD(this.runtime.connection, keys, [tick, job.id!])
    await job.moveToDelayed(Date.now() + QUEUE_RECHECK_MS, token)
    throw new DelayedError(reason)
  }
}
