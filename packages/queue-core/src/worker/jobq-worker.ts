import { type Job, type Processor, type Span, Worker } from 'bullmq'
import { attemptsUsedUp } from '../attempt-budget.js'
import type { Redis } from '../connection.js'
import { STACK_TRACE_LIMIT, toJobError } from '../failure-reason.js'
import type { Retention } from '../job-options.js'
import type { QueueDefinition } from '../define-job.js'
import { TolerantJob } from '../tolerant-job.js'
import { VERSION_OPTION } from '../versions.js'
import { isLockMissing, reclaimLocks } from './lock-reclaim.js'
import { ScheduleGate } from './schedule-gate.js'
import type { VersionGate } from './version-gate.js'
import { activeTracing, bullTelemetry } from '../tracing/index.js'

/** BullMQ's default `lockDuration`, in ms. */
export const BULLMQ_LOCK_MS = 30_000

/** `maxStalledCount` for BullMQ: no stall limit of its own (jobq's attempt budget applies). */
const UNLIMITED_STALLS = Number.MAX_SAFE_INTEGER

/**
 * BullMQ's worker, reading jobs whose stored data is not JSON instead of stranding them, storing
 * whatever an attempt threw as a bounded, readable reason (see `failure-reason.ts`), and taking
 * back the lock of a run that outlived a Redis outage instead of losing its outcome
 * (`lock-reclaim.ts`).
 */
export class JobqWorker extends Worker {
  /** Set by createJobqWorker; the runtime's answers to the two rare events below. */
  attemptHooks: AttemptHooks | undefined
  /** Set by createJobqWorker: hands back a job of a payload version this worker does not know. */
  versionGate: VersionGate | undefined
  /** Set by createJobqWorker: applies the missed and overlap policies of schedule runs. */
  scheduleGate: ScheduleGate | undefined

  /** How long a lock holds, in ms: the `lockDuration` set, else BullMQ's default. */
  get lockMs(): number {
    return this.opts.lockDuration ?? BULLMQ_LOCK_MS
  }

  protected override get Job(): typeof Job {
    return TolerantJob as typeof Job
  }

  // A start over budget may be owed starts it is not to blame for (attempt-budget.ts). Here, so
  // in-process and sandboxed jobs alike see the settled count; the hot path pays one comparison.
  protected override callProcessJob(
    job: Job,
    token: string,
    signal?: AbortSignal,
  ): Promise<unknown> {
    // Only a job stamped with a version reaches the gate (versions.ts): the rest pay one read.
    if (
      job.opts[VERSION_OPTION as keyof typeof job.opts] !== undefined &&
      this.versionGate?.refuses(job)
    ) {
      return this.versionGate.handBack(job, token)
    }
    // Inside BullMQ's `process` span when tracing is on (tracing/): jobq's attributes on it.
    activeTracing()?.annotateAttempt(job, job.attemptsStarted ?? job.attemptsMade + 1)
    // Only a run of a jobq schedule reaches this gate; the rest pay two reads.
    if (this.scheduleGate && ScheduleGate.isScheduledRun(job)) {
      return this.scheduleGate.run(job, token, () => this.startRun(job, token, signal))
    }
    return this.startRun(job, token, signal)
  }

  private startRun(job: Job, token: string, signal?: AbortSignal): Promise<unknown> {
    // Not async: the usual start adds no promise or closure of its own.
    if (!this.attemptHooks || !attemptsUsedUp(job)) {
      return super.callProcessJob(job, token, signal) as Promise<unknown>
    }
    return this.attemptHooks
      .settleOverBudget(job)
      .then(() => super.callProcessJob(job, token, signal) as Promise<unknown>)
  }

  // BullMQ's renewal refused these locks: take back those that lapsed while Redis was away.
  override async extendJobLocks(jobIds: string[], tokens: string[], duration: number) {
    const refused = await super.extendJobLocks(jobIds, tokens, duration)
    if (!refused.length) return refused
    const tokenOf = new Map(jobIds.map((id, i) => [id, tokens[i] ?? '']))
    const runs = refused.map((id) => [id, tokenOf.get(id) ?? ''] as const)
    return this.reclaim(runs, duration)
  }

  protected override handleCompleted(
    result: unknown,
    job: Job,
    token: string,
    next?: () => boolean,
    span?: Span,
  ) {
    const write = () => super.handleCompleted(result, job, token, next, span)
    return this.writeOutcome(write, job, token)
  }

  // Every failed attempt passes here, in process and sandboxed: BullMQ reads `err.message` at
  // once (a thrown `null` would crash it and strand the job) and stores message and stack whole.
  protected override handleFailed(
    err: Error,
    job: Job,
    token: string,
    next?: () => boolean,
    span?: Span,
  ) {
    // Keep the last few attempts' traces, whoever enqueued the job (see STACK_TRACE_LIMIT).
    job.opts.stackTraceLimit ??= STACK_TRACE_LIMIT
    const failure = toJobError(err)
    return this.writeOutcome(() => super.handleFailed(failure, job, token, next, span), job, token)
  }

  /**
   * Writes an attempt's outcome (`write`), and once more after taking back its lock when Redis
   * refused it for a lock that lapsed while Redis was away. The hot path: no async frame of its
   * own, only a handler for the rare refusal.
   */
  private writeOutcome<T>(write: () => Promise<T>, job: Job, token: string): Promise<T> {
    return write().catch(async (err: unknown) => {
      if (!(await this.tookBackLock(err, job, token))) throw this.lost(err, job)
      return write()
    })
  }

  /** Whether `err` refused an outcome for a lapsed lock, and the lock is this run's again. */
  private async tookBackLock(err: unknown, job: Job, token: string): Promise<boolean> {
    if (!isLockMissing(err) || !job.id) return false
    const lost = await this.reclaim([[job.id, token]], this.lockMs)
    return lost.length === 0
  }

  /** Tells the runtime a refused outcome is lost for good (the job runs again), and passes `err` on. */
  private lost(err: unknown, job: Job): unknown {
    if (isLockMissing(err)) this.attemptHooks?.outcomeLost(job)
    return err
  }

  private async reclaim(runs: (readonly [string, string])[], lockMs: number) {
    // BullMQ's Redis backend holds an ioredis client (idempotency.ts reads it the same way).
    const redis = (await this.getBackend().client) as unknown as Redis
    const keys = {
      active: this.toKey('active'),
      stalled: this.toKey('stalled'),
      base: this.toKey(''),
    }
    return reclaimLocks(redis, keys, runs, lockMs)
  }
}

/** What the worker's runtime does on a start over budget and on an outcome Redis refused. */
export interface AttemptHooks {
  /** Gives back the earlier starts the job is not to blame for (worker/start-budget.ts). */
  settleOverBudget(job: Job): Promise<void>
  /**
   * Closes the attempt's history entry with `OUTCOME_LOST_REASON`. May be told twice for one run
   * (BullMQ fails a run whose completion was refused, and that is refused too): idempotent.
   */
  outcomeLost(job: Job): void
}

/** What {@link createJobqWorker} needs besides the queue and its processor. */
export interface JobqWorkerSettings {
  connection: Redis
  prefix: string
  /** The worker's id: BullMQ records it on every job it takes. */
  name: string
  definition: QueueDefinition | undefined
  /** Overrides the queue's own concurrency. */
  concurrency?: number
  lockDurationMs?: number
  stalledIntervalMs?: number
  retention: Retention
  attemptHooks?: AttemptHooks
  versionGate?: VersionGate
  scheduleGate?: ScheduleGate
}

/**
 * One BullMQ worker for `queue`, created stopped (`autorun: false`): a BullMQ worker takes jobs
 * as soon as it runs, and boot.ts starts it only once the cancel subscription and the record are
 * in place, so no job runs in a window where a cancel would be lost or the record read idle.
 */
export function createJobqWorker(
  queue: string,
  processor: string | URL | Processor,
  settings: JobqWorkerSettings,
): JobqWorker {
  const { definition, retention } = settings
  const worker = new JobqWorker(queue, processor, {
    autorun: false,
    ...bullTelemetry(),
    connection: settings.connection,
    prefix: settings.prefix,
    name: settings.name,
    concurrency: settings.concurrency ?? definition?.concurrency ?? 1,
    ...(definition?.limiter && { limiter: definition.limiter }),
    ...(settings.lockDurationMs && { lockDuration: settings.lockDurationMs }),
    ...(settings.stalledIntervalMs && { stalledInterval: settings.stalledIntervalMs }),
    // Out of the way on purpose: BullMQ counts stalls apart from attempts and, at its default
    // of 1, failed a job after its second crash with attempts left ("job stalled more than
    // allowable limit"). jobq counts every start as one attempt instead and refuses a start
    // beyond `attempts` (attempt-budget.ts), so a job that crashes its worker every time still
    // fails, after `attempts` starts, with a reason that says so.
    maxStalledCount: UNLIMITED_STALLS,
    removeOnComplete: retention.completed,
    removeOnFail: retention.failed,
  })
  worker.attemptHooks = settings.attemptHooks
  worker.versionGate = settings.versionGate
  worker.scheduleGate = settings.scheduleGate
  return worker
}
