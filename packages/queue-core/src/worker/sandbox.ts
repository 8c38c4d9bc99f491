import { pathToFileURL } from 'node:url'
import { Job } from 'bullmq'
import { attemptsUsedUp } from '../attempt-budget.js'
import { PermanentJobError, UnknownJobError } from '../errors.js'
import { toFailureReason, toJobError } from '../failure-reason.js'
import { loadHandlers, type ReadyHandler } from './handler-loader.js'
import { createLogger, type Logger } from '../logger.js'
import type { AnyRegistry } from '../registry.js'
import { RunAbort } from './run-abort.js'
import { runJob, SHUTDOWN_SIGNAL_REASON, type RunnableJob } from './run-job.js'

/** The job as BullMQ hands it to a sandboxed child: a JSON copy with a few methods proxied. */
export interface SandboxJob extends Omit<RunnableJob, 'opts'> {
  opts?: object | string
  attemptsStarted?: number
  failedReason?: string
  moveToWait(token?: string): Promise<void>
}

/** What a sandbox child runs for each job. */
export type SandboxProcessor = (
  job: SandboxJob,
  token?: string,
  signal?: AbortSignal,
) => Promise<unknown>

/** Options of {@link createSandboxProcessor}. */
export interface SandboxProcessorOptions {
  /**
   * The processor module's own `import.meta.url`. `startWorker` forks each sandboxed queue's
   * children with `?queue=<name>` on that URL, so a child loads (and sets up) only its queue's
   * handlers. @defaultValue every sandboxed queue of the registry
   */
  moduleUrl?: string
  logger?: Logger
}

/** The search parameter of a processor URL that names the queue its children serve. */
const QUEUE_PARAM = 'queue'

/** The processor URL a sandboxed queue's children are forked with (see {@link SandboxProcessorOptions.moduleUrl}). */
export function sandboxProcessorUrl(file: string | URL, queue: string): URL {
  const url = new URL(file instanceof URL ? file.href : pathToFileURL(file).href)
  url.searchParams.set(QUEUE_PARAM, queue)
  return url
}

/**
 * Loads the handlers a sandboxed child runs and builds its processor. BullMQ forks the child with
 * only a file path, so the registry cannot be handed over at run time: the app ships a tiny
 * module that imports its registry and default-exports
 * `await createSandboxProcessor(registry, { moduleUrl: import.meta.url })`, and passes that file as
 * `sandboxProcessor` to `startWorker`.
 *
 * Handlers are imported and every `setup()` run while BullMQ initialises the child, before it
 * takes a job. A module or `setup()` that throws (or exits) therefore fails the child's start:
 * BullMQ's child pool then kills that child and never reuses it, the one job that waited for it
 * fails with the load error as its reason (a retryable failure), and the next job gets a fresh
 * child. Loading lazily on the first job instead kept the failed load cached in a live child
 * (an ES module that threw once throws again on every import), failing every job it took.
 */
export async function createSandboxProcessor(
  registry: AnyRegistry,
  options: SandboxProcessorOptions = {},
): Promise<SandboxProcessor> {
  const logger = options.logger ?? createLogger({ name: 'sandbox' })
  const queue = options.moduleUrl ? new URL(options.moduleUrl).searchParams.get(QUEUE_PARAM) : null
  const queues = queue
    ? [queue]
    : registry.queueNames.filter((name) => registry.queues[name]?.sandbox)
  let handlers: Map<string, ReadyHandler>
  // BullMQ 6.7's Child drops its own 'close' listener when the child exits, so a child that exits
  // while it starts leaves the job waiting for it pending for good: turn an exit while loading
  // into a load error, which BullMQ handles.
  const exit = process.exit.bind(process)
  process.exit = (code?: number | string | null) => {
    throw new Error(`process.exit(${code ?? ''}) called while loading the handlers`)
  }
  try {
    handlers = await loadHandlers(queues.flatMap((name) => registry.jobsOf(name)))
  } catch (err) {
    // BullMQ sends this to the parent as JSON: only an Error's own string message survives.
    throw toJobError(
      new Error(`sandbox child could not load its handlers: ${toFailureReason(err)}`),
    )
  } finally {
    process.exit = exit
  }

  return async (job, token, signal) => {
    try {
      // BullMQ's JSON copy may carry options still encoded; decode them like a Job would.
      const opts = typeof job.opts === 'string' ? Job.optsFromJSON(job.opts) : job.opts
      // The copy carries failedReason JSON-encoded (BullMQ's asJSON), like its opts.
      const usedUp = attemptsUsedUp({ ...job, opts, failedReason: decoded(job.failedReason) })
      if (usedUp) throw new PermanentJobError(usedUp)
      const handler = handlers.get(job.name)
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
      if (err instanceof PermanentJobError) throw named('UnrecoverableError', toFailureReason(err))
      // BullMQ's child serialises only an Error's own properties, and turns a value without a
      // message into `new Error(value)` (which throws for a symbol): hand it a bounded Error.
      throw toJobError(err)
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
