import { type Job, WaitingError } from 'bullmq'
import { attemptsUsedUp } from '../attempt-budget.js'
import { storeBigResult } from '../big-result.js'
import { CANCELLED_REASON, PermanentJobError } from '../errors.js'
import { unreadableReason } from '../tolerant-job.js'
import { createSavedWork, loadSavedWork, type SavedWork, type SavedWorkDeps } from './checkpoint.js'
import { createFanOut, type FanOutDeps } from './fan-out.js'
import { redisLogSink, type JobLogSink } from './job-log-buffer.js'
import type { ReadyHandler } from './handler-loader.js'
import { RunAbort } from './run-abort.js'
import { runJob, type SavedWorkSource } from './run-job.js'
import type { WorkerRuntime } from './runtime.js'

/** What the in-process processor needs, made once per worker (not per job: the hot path). */
interface ProcessDeps {
  runtime: WorkerRuntime
  handlers: Map<string, ReadyHandler>
  fanOut: FanOutDeps
  /** The workers' lock duration, in ms (a checkpoint save may take a lapsed lock back). */
  lockMs: number
  /** Where `ctx.log`'s lines go (bound to a job only when it logs). */
  logSink: JobLogSink
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
  const logSink = redisLogSink(runtime.connection)
  const deps: ProcessDeps = { runtime, handlers, fanOut, lockMs, logSink }
  return (job: Job, token?: string) => processJob(job, token, deps)
}

/**
 * The run's saved work: read first for a job with a `checkpoint` schema (its checkpoint); for
 * the rest, made only if the handler uses `ctx.checkpoint` or `ctx.step` (most never do), and
 * no tick is waited.
 */
function savedWorkOf(
  job: Job,
  token: string | undefined,
  handler: ReadyHandler,
  abort: RunAbort,
  deps: ProcessDeps,
): SavedWorkSource | Promise<SavedWork> {
  const schema = handler.definition.checkpoint
  if (schema) return loadSavedWork(job, token, schema, savedWorkDeps(abort, deps))
  return () => createSavedWork(job, token, undefined, savedWorkDeps(abort, deps))
}

/** What a run's saved work needs: a refused save (lock lost) aborts the run. */
const savedWorkDeps = (abort: RunAbort, deps: ProcessDeps): SavedWorkDeps => ({
  connection: deps.runtime.connection,
  lockMs: deps.lockMs,
  onLockLost: (err) => abort.abort(err),
})

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
    const saved = savedWorkOf(job, token, handler, abort, deps)
    const result = await runJob(
      job,
      handler,
      abort,
      runtime.logger,
      fanOut,
      saved instanceof Promise ? await saved : saved,
      deps.logSink,
    )
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
