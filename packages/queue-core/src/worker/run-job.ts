import type { ChildJob, ChildOutcome } from '../define-job.js'
import { NO_SAVED_WORK, type SavedWork } from './checkpoint.js'
import { CANCELLED_REASON, JobTimeoutError, PermanentJobError } from '../errors.js'
import type { ReadyHandler } from './handler-loader.js'
import {
  JobLogBuffer,
  perLineLogSink,
  type JobLogSink,
  type LoggedJob,
  type LogSink,
} from './job-log-buffer.js'
import { timeoutOf } from '../job-options.js'
import type { Logger } from '../logger.js'
import type { RunAbort } from './run-abort.js'
import { toIssues } from '../validation.js'
import { upcastToCurrent, UpcastError, versionOfJob } from '../versions.js'

/** The reason jobq passes to BullMQ's `worker.cancelJob`, to tell a cancel from other aborts. */
export const CANCEL_SIGNAL_REASON = 'jobq:cancel'

/** Why the signal of a job cut off by shutdown aborted (told apart from a cancel). */
export const SHUTDOWN_SIGNAL_REASON = 'jobq:shutdown'

/** What {@link runJob} needs of a job: a BullMQ `Job`, or the copy a sandboxed child receives. */
export interface RunnableJob {
  id?: string
  name: string
  queueName: string
  attemptsMade: number
  /** BullMQ's `attemptsStarted`: this start included. */
  attemptsStarted?: number
  data: unknown
  opts?: object
  updateProgress(value: number | object): Promise<void>
  /** BullMQ's `job.log`: where `ctx.log`'s lines go when no `logSink` is given. */
  log?(row: string): Promise<unknown>
}

/**
 * A run's saved work (`ctx.resume`, `checkpoint`, `step`), or a function that makes it, called
 * when the handler first reads one of them: most jobs never do, and making it is not free.
 */
export type SavedWorkSource = SavedWork | (() => SavedWork)

/**
 * Runs one attempt of a job with its loaded handler: validates the input, races the handler
 * against its timeout and `abort` (a cancel or a shutdown, aborted by the caller), and validates
 * the result. Shared by in-process workers and sandboxed child processes so both fail jobs the
 * same way. `logSink` stores the lines the handler writes with `ctx.log` (default: `job.log`);
 * it needs a job with `queueQualifiedName` (a BullMQ `Job`).
 */
export async function runJob(
  job: RunnableJob,
  handler: ReadyHandler,
  abort: RunAbort,
  logger: Logger,
  fanOut?: (children: readonly ChildJob[]) => Promise<ChildOutcome[]>,
  saved: SavedWorkSource = NO_SAVED_WORK,
  logSink?: JobLogSink,
): Promise<unknown> {
  const { definition } = handler
  // Only a definition with versions can hold an older payload (versions.ts): the rest pay a check.
  const data = definition.version === undefined ? job.data : upcastPayload(job, definition)
  const input = safeParseInput(definition.input, data)
  if (!input.success) {
    // A payload that bypassed the producer: retrying cannot fix it.
    const issues = toIssues(input.error, 'data').map((i) => `${i.path}: ${i.message}`)
    throw new PermanentJobError(`invalid input: ${issues.join('; ')}`)
  }
  const timeoutMs = timeoutOf(definition, job.opts)
  const timer = timeoutMs
    ? setTimeout(() => abort.abort(new JobTimeoutError(timeoutMs)), timeoutMs)
    : undefined

  let log: Logger | undefined
  let jobLog: JobLogBuffer | undefined
  let work: SavedWork | undefined
  // The start number: every start is an attempt (attempt-budget.ts), so a run after a crash
  // sees the next number, not the one the crashed run saw.
  const attempt = job.attemptsStarted ?? job.attemptsMade + 1
  let output: unknown
  try {
    const running = handler.run(input.data, {
      jobId: job.id ?? '',
      jobName: job.name,
      queue: job.queueName,
      attempt,
      get signal() {
        return abort.signal
      },
      progress: (value) => job.updateProgress(value),
      // Made on first use: most handlers never log, and a child logger per job is not free.
      // Its lines go to the process log and, through jobLog, to the job's own log.
      get log() {
        jobLog ??= new JobLogBuffer(attempt, sinkOf(job, logSink), (err) =>
          logger.warn({ err, jobId: job.id }, 'could not store job log lines'),
        )
        return (log ??= jobLog.loggerFor(logger, { jobId: job.id, jobName: job.name }))
      },
      setup: handler.setup,
      fanOut:
        fanOut ??
        (() =>
          Promise.reject(new PermanentJobError('fanOut is not available on sandboxed queues'))),
      // Made on first use too (see SavedWorkSource).
      get resume() {
        return (work ??= savedWorkOf(saved)).resume
      },
      get checkpoint() {
        return (work ??= savedWorkOf(saved)).checkpoint
      },
      get step() {
        return (work ??= savedWorkOf(saved)).step
      },
    })
    output = await abort.race(running)
  } catch (err) {
    const reason = abort.reason
    if (isReason(reason, SHUTDOWN_SIGNAL_REASON)) throw err
    // A cancel is final: the caller asked for the job to stop, so no retry may restart it.
    if (isReason(reason, CANCEL_SIGNAL_REASON)) throw new PermanentJobError(CANCELLED_REASON)
    if (reason instanceof JobTimeoutError) throw reason
    throw err
  } finally {
    clearTimeout(timer)
    // Before the outcome is stored, so a reader woken by it finds the attempt's last lines. Not
    // `await jobLog?.close()`: that costs every job a microtask, and most never log.
    if (jobLog) await jobLog.close()
  }
  const result = definition.output.safeParse(output)
  if (!result.success) {
    const issues = toIssues(result.error, 'result').map((i) => `${i.path}: ${i.message}`)
    throw new PermanentJobError(`handler returned an invalid result: ${issues.join('; ')}`)
  }
  return result.data
}

const savedWorkOf = (source: SavedWorkSource): SavedWork =>
  typeof source === 'function' ? source() : source

/** Where `job`'s log lines go: the worker's `logSink` bound to it, else BullMQ's `job.log`. */
function sinkOf(job: RunnableJob, logSink: JobLogSink | undefined): LogSink {
  if (!logSink) return perLineLogSink(job)
  // runJob's contract: a logSink comes with a BullMQ Job (an in-process run).
  return (lines) => logSink(job as RunnableJob & LoggedJob, lines)
}

/**
 * `safeParse`, except that input nested so deep that validating it overflows the stack (possible
 * only for a payload that bypassed the producer's depth limit) is an issue too, not a crash.
 */
function safeParseInput(schema: ReadyHandler['definition']['input'], data: unknown) {
  try {
    return schema.safeParse(data)
  } catch (err) {
    if (!(err instanceof RangeError)) throw err
    return schema.safeParse(Symbol('too deep')) // fails, with an issue naming the expected type
  }
}

/**
 * The payload of `job` brought up to its definition's current version. A payload that does not
 * match its own version's schema, or an upcaster that throws, fails the job for good: retrying
 * cannot fix either. (A version newer than the definition's never gets here: the worker hands
 * such a job back before it runs, worker/version-gate.ts.)
 */
function upcastPayload(job: RunnableJob, definition: ReadyHandler['definition']): unknown {
  try {
    return upcastToCurrent(definition, versionOfJob(job.opts), job.data)
  } catch (err) {
    if (err instanceof UpcastError) throw new PermanentJobError(err.message)
    throw err
  }
}

/** True when an abort's reason is `expected` (BullMQ may hand a reason over as an Error). */
function isReason(reason: unknown, expected: string): boolean {
  return (reason instanceof Error ? reason.message : reason) === expected
}
