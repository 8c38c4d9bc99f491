import { hostname } from 'node:os'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Worker, WaitingError, type Job } from 'bullmq'
import type { Redis } from './connection.js'
import { JobTimeoutError, PermanentJobError, UnknownQueueError } from './errors.js'
import { loadHandlers, type ReadyHandler } from './handler-loader.js'
import type { Logger } from './logger.js'
import type { AnyRegistry } from './registry.js'
import { toIssues } from './validation.js'

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  registry: AnyRegistry
  /** A connection made with `createRedis({ role: 'worker' })`; BullMQ duplicates it per queue. */
  connection: Redis
  /** @defaultValue 'jobq' */
  prefix?: string
  /** Queues to serve. @defaultValue every queue of the registry */
  queues?: readonly string[]
  /** Jobs run at once per queue; overrides each queue's own `concurrency`. */
  concurrency?: number
  logger: Logger
}

/** A worker process's view of itself once it takes jobs. */
export interface RunningWorker {
  /** Unique per process start; jobs record it as `workerId`. */
  readonly id: string
  readonly queues: readonly string[]
  /**
   * Stops taking jobs and waits up to `graceMs` for active ones. Jobs still running then are
   * aborted and handed back to their queue (not failed), so another worker runs them.
   */
  close(graceMs?: number): Promise<{ drained: boolean }>
}

/**
 * Loads the handlers of the selected queues, runs every `setup()`, and only then starts one
 * BullMQ worker per queue: no job is taken before its handler's preload is done.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { registry, connection, prefix = 'jobq', logger } = options
  const queues = options.queues?.length ? [...new Set(options.queues)] : [...registry.queueNames]
  for (const queue of queues) {
    if (!registry.queues[queue]) throw new UnknownQueueError(queue, registry.queueNames)
  }
  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`
  const handlers = await loadHandlers(queues.flatMap((queue) => registry.jobsOf(queue)))
  const shutdown = new AbortController()

  const workers = queues.map((queue) => {
    const definition = registry.queues[queue]
    const worker = new Worker(
      queue,
      // Three parameters: BullMQ passes an AbortSignal only to processors that declare it.
      (job: Job, token?: string, signal?: AbortSignal) =>
        processJob(job, token, signal, { handlers, shutdown: shutdown.signal, logger }),
      {
        connection,
        prefix,
        name: id,
        concurrency: options.concurrency ?? definition?.concurrency ?? 1,
        ...(definition?.limiter && { limiter: definition.limiter }),
      },
    )
    worker.on('error', (err) => logger.error({ err: err.message, queue }, 'worker error'))
    worker.on('failed', (job, err) =>
      logger.warn({ jobId: job?.id, jobName: job?.name, err: err.message }, 'job failed'),
    )
    return worker
  })
  logger.info({ workerId: id, queues }, 'worker taking jobs')

  return {
    id,
    queues,
    async close(graceMs = 30_000) {
      const closing = Promise.all(workers.map((worker) => worker.close()))
      const drained = await Promise.race([
        closing.then(() => true),
        sleep(graceMs, false, { ref: false }),
      ])
      if (!drained) {
        logger.warn({ graceMs }, 'grace period over: handing active jobs back to their queues')
        shutdown.abort()
        await closing
      }
      return { drained }
    },
  }
}

interface ProcessDeps {
  handlers: Map<string, ReadyHandler>
  shutdown: AbortSignal
  logger: Logger
}

async function processJob(
  job: Job,
  token: string | undefined,
  cancel: AbortSignal | undefined,
  { handlers, shutdown, logger }: ProcessDeps,
): Promise<unknown> {
  const handler = handlers.get(job.name)
  if (!handler) {
    throw new PermanentJobError(`no handler for job "${job.name}" on queue "${job.queueName}"`)
  }
  const { definition } = handler
  const input = definition.input.safeParse(job.data)
  if (!input.success) {
    // A payload that bypassed the producer: retrying cannot fix it.
    const issues = toIssues(input.error, 'data').map((i) => `${i.path}: ${i.message}`)
    throw new PermanentJobError(`invalid input: ${issues.join('; ')}`)
  }
  const timeoutMs = definition.options?.timeoutMs
  const timeout = timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined
  const signal = AbortSignal.any([
    shutdown,
    ...(cancel ? [cancel] : []),
    ...(timeout ? [timeout] : []),
  ])

  const running = handler.run(input.data, {
    jobId: job.id ?? '',
    jobName: job.name,
    queue: job.queueName,
    attempt: job.attemptsMade + 1,
    signal,
    progress: (value) => job.updateProgress(value),
    log: logger.child({ jobId: job.id, jobName: job.name }),
    setup: handler.setup,
  })
  let output: unknown
  try {
    output = await untilAborted(running, signal)
  } catch (err) {
    if (shutdown.aborted) {
      // Cut off by shutdown: hand the job back untouched so another worker runs it.
      await job.moveToWait(token)
      throw new WaitingError()
    }
    if (timeout?.aborted && timeoutMs) throw new JobTimeoutError(timeoutMs)
    throw err
  }
  const result = definition.output.safeParse(output)
  if (!result.success) {
    const issues = toIssues(result.error, 'result').map((i) => `${i.path}: ${i.message}`)
    throw new PermanentJobError(`handler returned an invalid result: ${issues.join('; ')}`)
  }
  return result.data
}

/** Settles with `work`, or rejects as soon as `signal` aborts (the handler may ignore it). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  const reason = () => (signal.reason instanceof Error ? signal.reason : new Error('aborted'))
  if (signal.aborted) return Promise.reject(reason())
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason())
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
