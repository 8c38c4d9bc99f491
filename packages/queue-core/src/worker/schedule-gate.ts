import { DelayedError, Job } from 'bullmq'
import type { AnyJobDefinition, JobSchedule } from '../define-job.js'
import { toBullOptions } from '../job-options.js'
import { DEFAULT_MISSED, DEFAULT_OVERLAP, ticksSince } from '../schedule-policy.js'
import { ScheduleState, scheduleStateKeyOf, type SkipReason } from '../schedule-state.js'
import { SCHEDULER_ID_PREFIX, tickOfRun } from '../schedules.js'
import { handBack } from './hand-back.js'
import type { WorkerRuntime } from './runtime.js'

/** The job option that marks a catch-up run (its value: the tick, epoch ms). */
export const CATCH_UP_OPTION = 'jobqScheduleTick'

/**
 * How long a run held by overlap `'queue'` first waits before it checks again, in ms; the wait
 * doubles with each hold of the run, up to {@link QUEUE_RECHECK_MAX_MS}. The run that finishes
 * promotes the oldest held run at once (ScheduleGate.promoteNext), so the recheck is only a safety
 * net (the finishing worker crashed, or the promote raced the hold): it need not be frequent.
 */
const QUEUE_RECHECK_MS = 500
/** The longest wait of a held run between two checks, in ms. */
const QUEUE_RECHECK_MAX_MS = 10_000
/** The job hash field that counts a run's holds (for the recheck backoff). */
const HOLDS_FIELD = 'jobqScheduleHolds'

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
      await this.release(job, state)
    }
  }

  /** Lets go of the schedule after run `job`, and wakes the oldest run held back, if any. */
  private async release(job: Job, state: ScheduleState): Promise<void> {
    let next: string | null
    try {
      next = await state.finish(job.id!)
    } catch (err) {
      // The claim then lapses with this run's lock (see ScheduleState.start).
      this.runtime.logger.warn({ err, jobId: job.id }, 'schedule claim not released')
      return
    }
    if (next) await this.promoteNext(job.queueName, next)
  }

  /**
   * Moves held run `jobId` from `delayed` to `wait` now rather than at its recheck. Best effort:
   * it may not be delayed (yet, or any more: another worker took it), and its recheck still comes.
   */
  private async promoteNext(queueName: string, jobId: string): Promise<void> {
    try {
      const held = await Job.fromId(this.runtime.queueHandles.get(queueName), jobId)
      await held?.promote() // rejects when the run is not delayed
    } catch (err) {
      this.runtime.logger.debug({ err, jobId }, 'held schedule run not promoted; it rechecks later')
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
   * Overlap 'queue': back to `delayed` until the holder finishes (it promotes the oldest held run)
   * or, at the latest, its recheck (backing off, see {@link QUEUE_RECHECK_MS}); not counted as an
   * attempt, and in the schedule's held runs (oldest tick claims first; its next pickup, late by
   * then, is not taken for a missed one).
   */
  private async hold(
    job: Job,
    token: string,
    tick: number,
    holder: string,
    state: ScheduleState,
  ): Promise<never> {
    const reason = `schedule run held: an earlier run (${holder}) is active or waiting`
    await handBack(this.runtime, job, token, {
      reason,
      countField: HOLDS_FIELD,
      baseMs: QUEUE_RECHECK_MS,
      maxMs: QUEUE_RECHECK_MAX_MS,
      held: { key: state.heldKey, score: tick },
    })
    throw new DelayedError(reason)
  }
}
