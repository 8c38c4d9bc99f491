import { Job } from 'bullmq'
import { attemptsUsedUp } from './attempt-budget.js'
import { PermanentJobError, UnknownJobError } from './errors.js'
import { loadHandlers, type ReadyHandler } from './handler-loader.js'
import { createLogger, type Logger } from './logger.js'
import type { AnyRegistry } from './registry.js'
import { RunAbort } from './run-abort.js'
import { runJob, SHUTDOWN_SIGNAL_REASON, type RunnableJob } from './run-job.js'

/** The job as BullMQ hands it to a sandboxed child: a JSON copy with a few methods proxied. */
export interface SandboxJob extends Omit<RunnableJob, 'opts'> {
  opts?: object | string
  attemptsStarted?: number
  failedReason?: string
  moveToWait(token?: string): Promise<void>
}

/**
 * Builds the processor a sandboxed queue's child processes run. BullMQ forks the child with
 * only a file path, so the registry cannot be handed over at run time: the app ships a tiny
 * module that imports its registry and default-exports `createSandboxProcessor(registry)`, and
 * passes that file as `sandboxProcessor` to `startWorker`. The child then loads handlers itself,
 * running each module's `setup()` once per child process, on its first job of the queue.
 */
export function createSandboxProcessor(
  registry: AnyRegistry,
  options: { logger?: Logger } = {},
): (job: SandboxJob, token?: string, signal?: AbortSignal) => Promise<unknown> {
  const logger = options.logger ?? createLogger({ name: 'sandbox' })
  const loaded = new Map<string, Promise<Map<string, ReadyHandler>>>()
  const handlersOf = (queue: string) => {
    let handlers = loaded.get(queue)
    if (!handlers) {
      handlers = loadHandlers(registry.jobsOf(queue))
      loaded.set(queue, handlers)
    }
    return handlers
  }

  return async (job, token, signal) => {
    try {
      // BullMQ's JSON copy may carry options still encoded; decode them like a Job would.
      const opts = typeof job.opts === 'string' ? Job.optsFromJSON(job.opts) : job.opts
      // The copy carries failedReason JSON-encoded (BullMQ's asJSON), like its opts.
      const usedUp = attemptsUsedUp({ ...job, opts, failedReason: decoded(job.failedReason) })
      if (usedUp) throw new PermanentJobError(usedUp)
      const handler = (await handlersOf(job.queueName)).get(job.name)
      if (!handler) throw new PermanentJobError(new UnknownJobError(job.name).message)
      // The parent's cancel and shutdown arrive through BullMQ's signal.
      const abort = new RunAbort()
      if (signal?.aborted) abort.abort(signal.reason)
      signal?.addEventListener('abort', () => abort.abort(signal.reason), { once: true })
      return await runJob(
        { ...job, opts, updateProgress: (v) => job.updateProgress(v) },
        handler,
        abort,
        logger,
      )
    } catch (err) {
      if (signal?.aborted && signal.reason === SHUTDOWN_SIGNAL_REASON) {
        await job.moveToWait(token)
        throw named('WaitingError', 'handed back to its queue by a shutdown')
      }
      // Errors cross the process boundary as plain objects: BullMQ then recognises a permanent
      // failure by its name alone, so give it the name BullMQ looks for.
      if (err instanceof PermanentJobError) throw named('UnrecoverableError', err.message)
      throw err
    }
  }
}

function named(name: string, message: string): Error {
  const err = new Error(message)
  Object.defineProperty(err, 'name', { value: name, enumerable: true })
  return err
}

/** A JSON-encoded string field of BullMQ's job copy, decoded; undefined when unreadable. */
function decoded(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  try {
    const parsed: unknown = JSON.parse(value)
    return typeof parsed === 'string' ? parsed : undefined
  } catch {
    return value
  }
}
