import { type Job, WaitingError } from 'bullmq'
import { attemptsUsedUp } from '../attempt-budget.js'
import { storeBigResult } from '../big-result.js'
import { CANCELLED_REASON, PermanentJobError } from '../errors.js'
import { unreadableReason } from '../tolerant-job.js'
import { createSavedWork } from './checkpoint.js'
import { createFanOut, type FanOutDeps } from './fan-out.js'
import { redisLogSink } from './job-log-buffer.js'
import type { ReadyHandler } from './handler-loader.js'
import { RunAbort } from './run-abort.js'
import { runJob } from './run-job.js'
import type { WorkerRuntime } from './runtime.js'

/** What the in-process processor needs, made once per worker (not per job: the hot path). */
interface ProcessDeps {
  runtime: WorkerRuntime
  handlers: Map<string, ReadyHandler>
  fanOut: FanOutDeps
  /** The workers' lock duration, in ms (a checkpoint save may take a lapsed lock back). */
  lockMs: number
}

/**
 * BullMQ's processor for an in-process queue. Two parameters on purpose: BullMQ then makes no
 * AbortController per job (a RunAbort does, registered in `runs` for cancels and shutdowns).
 * `onParked` is called when a job parks itself to wait for its fan-out children; `lockMs` is the
 * workers' lock duration.
 */
export function inProcessProcessor(
  runtime: WorkerRuntime,
  handlers: Map<string, ReadyHandler>,
  onParked: (job: Job) => void,
  lockMs: number,
) {
  const fanOut: FanOutDeps = {
    connection: runtime.connection,
    registry: runtime.registry,
    queueOf: (name) => runtime.queueHandles.get(name),
    onParked,
  }
  const deps: ProcessDeps = { runtime, handlers, fanOut, lockMs }
  return (job: Job, token?: string) => processJob(job, token, deps)
}

/**
 * One attempt of `job`: refuses a start beyond its attempts and unreadable data, runs the handler
 * (runJob), and stores a big result aside. A run cut off by shutdown is handed back to its queue.
 */
async function processJob(job: Job, token: string | undefined, deps: ProcessDeps) {
  const usedUp = attemptsUsedUp(job)
  if (usedUp) {
    // The refusal closed the cut-off start's entry as interrupted ('active' event): it is
    // written before the job fails, so a reader woken by the failure sees it so.
    await deps.runtime.history.flush()
    throw new PermanentJobError(usedUp)
  }
  const unreadable = unreadableReason(job)
  if (unreadable) throw new PermanentJobError(`invalid input: ${unreadable}`)
  const handler = deps.handlers.get(job.name)
  if (!handler) {
    throw new PermanentJobError(`no handler for job "${job.name}" on queue "${job.queueName}"`)
  }
  const { runtime } = deps
  const id = job.id ?? ''
  // Cancelled while BullMQ was handing it over: the cancel came before this run was registered.
  if (runtime.recentCancels.take(id)) throw new PermanentJobError(CANCELLED_REASON)
  const abort = new RunAbort()
  runtime.runs.set(id, abort)
  try {
    const fanOut = createFanOut(job, token, deps.fanOut)
    let saved = createSavedWork(job, token, handler.definition.checkpoint, {
      connection: runtime.connection,
      lockMs: deps.lockMs,
      onLockLost: (err) => abort.abort(err),
    })
    // A promise only for a job with a `checkpoint` schema (its read): the rest wait no tick.
    if (saved instanceof Promise) saved = await saved
    const logSink = redisLogSink(runtime.connection, job)
    const result = await runJob(job, handler, abort, runtime.logger, fanOut, saved, logSink)
    const queue = runtime.queueHandles.get(job.queueName)
    return await storeBigResult(runtime.connection, queue, job, result)
  } catch (err) {
    if (runtime.shutdown.signal.aborted) {
      // Cut off by shutdown: hand the job back untouched so another worker runs it.
      await job.moveToWait(token)
      throw new WaitingError()
    }
    throw err
  } finally {
    runtime.runs.delete(id)
  }
}
