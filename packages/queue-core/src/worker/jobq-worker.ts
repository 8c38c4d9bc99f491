import { type Job, type Processor, type Span, Worker } from 'bullmq'
import type { Redis } from '../connection.js'
import { STACK_TRACE_LIMIT, toJobError } from '../failure-reason.js'
import type { Retention } from '../job-options.js'
import type { QueueDefinition } from '../define-job.js'
import { TolerantJob } from '../tolerant-job.js'

/** `maxStalledCount` for BullMQ: no stall limit of its own (jobq's attempt budget applies). */
const UNLIMITED_STALLS = Number.MAX_SAFE_INTEGER

/**
 * BullMQ's worker, reading jobs whose stored data is not JSON instead of stranding them, and
 * storing whatever an attempt threw as a bounded, readable reason (see `failure-reason.ts`).
 */
export class JobqWorker extends Worker {
  protected override get Job(): typeof Job {
    return TolerantJob as typeof Job
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
    return super.handleFailed(toJobError(err), job, token, next, span)
  }
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
  return new JobqWorker(queue, processor, {
    autorun: false,
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
}
