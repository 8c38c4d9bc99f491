import type { ChildJob, ChildOutcome } from './define-job.js'
import { CANCELLED_REASON, JobTimeoutError, PermanentJobError } from './errors.js'
import type { ReadyHandler } from './handler-loader.js'
import { timeoutOf } from './job-options.js'
import type { Logger } from './logger.js'
import { toIssues } from './validation.js'

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
  data: unknown
  opts?: object
  updateProgress(value: number | object): Promise<void>
}

/** Where the abort of a run can come from, besides its timeout. */
export interface RunSignals {
  /** BullMQ's per-job signal: aborted by `worker.cancelJob` (a cross-process cancel). */
  cancel?: AbortSignal
  /** Aborted when a shutdown's grace period ran out. */
  shutdown?: AbortSignal
}

/**
 * Runs one attempt of a job with its loaded handler: validates the input, races the handler
 * against its timeout and abort signals, and validates the result. Shared by in-process workers
 * and sandboxed child processes so both fail jobs the same way.
 */
export async function runJob(
  job: RunnableJob,
  handler: ReadyHandler,
  signals: RunSignals,
  logger: Logger,
  fanOut?: (children: readonly ChildJob[]) => Promise<ChildOutcome[]>,
): Promise<unknown> {
  const { definition } = handler
  const input = safeParseInput(definition.input, job.data)
  if (!input.success) {
    // A payload that bypassed the producer: retrying cannot fix it.
    const issues = toIssues(input.error, 'data').map((i) => `${i.path}: ${i.message}`)
    throw new PermanentJobError(`invalid input: ${issues.join('; ')}`)
  }
  const timeoutMs = timeoutOf(definition, job.opts)
  // The handler's signal. With one source and no timeout it is that source itself (BullMQ's
  // per-job signal: cancel and shutdown both arrive through it), which costs nothing per job.
  // Otherwise one controller per run follows the sources through listeners removed when the run
  // ends. (AbortSignal.any and AbortSignal.timeout would keep every run's signal, and a timer of up
  // to timeoutMs, alive long after the job: memory that grows with throughput.)
  const sources = [signals.shutdown, signals.cancel].filter(
    (s): s is AbortSignal => s !== undefined,
  )
  const followers: (readonly [AbortSignal, () => void])[] = []
  let timedOut = false
  let timer: NodeJS.Timeout | undefined
  let signal: AbortSignal
  if (sources.length === 1 && !timeoutMs) {
    signal = sources[0]!
  } else {
    const controller = new AbortController()
    for (const source of sources) {
      const listener = () => controller.abort(source.reason)
      if (source.aborted) listener()
      else source.addEventListener('abort', listener, { once: true })
      followers.push([source, listener])
    }
    if (timeoutMs) {
      timer = setTimeout(() => {
        timedOut = true
        controller.abort(new JobTimeoutError(timeoutMs))
      }, timeoutMs)
    }
    signal = controller.signal
  }

  let log: Logger | undefined
  let output: unknown
  try {
    const running = handler.run(input.data, {
      jobId: job.id ?? '',
      jobName: job.name,
      queue: job.queueName,
      attempt: job.attemptsMade + 1,
      signal,
      progress: (value) => job.updateProgress(value),
      // Made on first use: most handlers never log, and a child logger per job is not free.
      get log() {
        return (log ??= logger.child({ jobId: job.id, jobName: job.name }))
      },
      setup: handler.setup,
      fanOut:
        fanOut ??
        (() =>
          Promise.reject(new PermanentJobError('fanOut is not available on sandboxed queues'))),
    })
    output = await untilAborted(running, signal)
  } catch (err) {
    if (signals.shutdown?.aborted) throw err
    // A cancel is final: the caller asked for the job to stop, so no retry may restart it.
    if (signals.cancel?.aborted && isCancel(signals.cancel.reason)) {
      throw new PermanentJobError(CANCELLED_REASON)
    }
    if (timedOut && timeoutMs) throw new JobTimeoutError(timeoutMs)
    throw err
  } finally {
    clearTimeout(timer)
    for (const [source, listener] of followers) source.removeEventListener('abort', listener)
  }
  const result = definition.output.safeParse(output)
  if (!result.success) {
    const issues = toIssues(result.error, 'result').map((i) => `${i.path}: ${i.message}`)
    throw new PermanentJobError(`handler returned an invalid result: ${issues.join('; ')}`)
  }
  return result.data
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

function isCancel(reason: unknown): boolean {
  const text = reason instanceof Error ? reason.message : String(reason)
  return text === CANCEL_SIGNAL_REASON
}

/** Settles with `work`, or rejects as soon as `signal` aborts (the handler may ignore it). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  const reason = () => (signal.reason instanceof Error ? signal.reason : new Error('aborted'))
  if (signal.aborted) {
    // Nobody awaits `work` then: its own rejection (a handler honouring the aborted signal) must
    // not surface as an unhandled rejection, which would kill the process mid-shutdown.
    work.catch(() => undefined)
    return Promise.reject(reason())
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason())
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
