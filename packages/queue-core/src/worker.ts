import { hostname } from 'node:os'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Job, Queue, type Span, Worker, WaitingError } from 'bullmq'
import { attemptsUsedUp } from './attempt-budget.js'
import { AttemptHistoryWriter } from './attempt-history.js'
import { listenForCancels } from './cancel.js'
import type { Redis } from './connection.js'
import { STACK_TRACE_LIMIT, toJobError } from './failure-reason.js'
import { FleetStatsRecorder } from './fleet-stats.js'
import { PermanentJobError, UnknownQueueError } from './errors.js'
import { RETENTION, type Retention } from './job-options.js'
import { createFanOut, reportParentProgress } from './fan-out.js'
import { loadHandlers, type ReadyHandler } from './handler-loader.js'
import { createLockKeeper } from './lock-keeper.js'
import type { Logger } from './logger.js'
import { registerWorker, type WorkerRecord } from './records.js'
import type { AnyRegistry } from './registry.js'
import { RunAbort } from './run-abort.js'
import { CANCEL_SIGNAL_REASON, runJob, SHUTDOWN_SIGNAL_REASON } from './run-job.js'
import { storeBigResult } from './big-result.js'
import { sandboxProcessorUrl } from './sandbox-processor.js'
import { syncSchedules } from './schedules.js'
import { TolerantJob, unreadableReason } from './tolerant-job.js'

/** BullMQ's default `lockDuration`, in ms. */
const BULLMQ_LOCK_MS = 30_000

/** `maxStalledCount` for BullMQ: no stall limit of its own (jobq's attempt budget applies). */
const UNLIMITED_STALLS = Number.MAX_SAFE_INTEGER

/**
 * BullMQ's worker, reading jobs whose stored data is not JSON instead of stranding them, and
 * storing whatever an attempt threw as a bounded, readable reason (see `failure-reason.ts`).
 */
class JobqWorker extends Worker {
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
  /**
   * The module a sandboxed queue's child processes run (a path or a file URL): it must
   * default-export `await createSandboxProcessor(registry, { moduleUrl: import.meta.url })` for
   * the same registry. Each queue's children import it with `?queue=<name>` added. Required when
   * a served queue has `sandbox: true`.
   */
  sandboxProcessor?: string | URL
  /** How often the worker record is refreshed. @defaultValue 5000 */
  heartbeatMs?: number
  /** How long the record outlives the last heartbeat. @defaultValue 3 × heartbeatMs */
  recordTtlMs?: number
  /**
   * How long a job's lock lasts without renewal: a worker that dies mid-job (kill -9) gives its
   * job up this long after its last renewal. @defaultValue 30000 (BullMQ's)
   */
  lockDurationMs?: number
  /** How often this worker looks for jobs whose lock expired (stalled). @defaultValue 30000 */
  stalledIntervalMs?: number
  /**
   * How many finished jobs stay readable, and for how long, applied as each job finishes (a job
   * enqueued with its own retention keeps that). @defaultValue {@link RETENTION}
   */
  retention?: Retention
  /**
   * Keep active jobs' locks alive from a thread while a handler blocks the event loop, so such
   * a job neither runs twice nor fails after it succeeded (lock-keeper.ts). @defaultValue true
   */
  lockKeeper?: boolean
  /** Called after every attempt that completed or failed (metrics hook). */
  onJobFinished?: (event: JobFinishedEvent) => void
}

/** One attempt that ended, as {@link WorkerOptions.onJobFinished} reports it. */
export interface JobFinishedEvent {
  queue: string
  name: string
  outcome: 'completed' | 'failed'
  /** Time in the handler, in ms. */
  durationMs: number
}

/**
 * How long {@link RunningWorker.close} waits, after the grace period, for active jobs to be handed
 * back and the worker's record removed. Both are a few Redis round trips (milliseconds); 2 s
 * leaves room for a loaded Redis while keeping a stop that Redis cannot confirm short.
 */
export const HAND_BACK_MS = 2_000

/** A worker process's view of itself once it takes jobs. */
export interface RunningWorker {
  /** Unique per process start; jobs record it as `workerId`, and so does its worker record. */
  readonly id: string
  readonly queues: readonly string[]
  /** What its worker record says right now. */
  record(): WorkerRecord
  /** True when Redis answers within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>
  /**
   * Stops taking jobs and waits up to `graceMs` for active ones. Jobs still running then are
   * aborted and handed back to their queue (not failed), so another worker runs them. Resolves
   * within `graceMs + handBackMs` whatever Redis does: `drained` says the active jobs finished in
   * the grace period, `clean` that everything (hand-back, record removal) was done in time; when
   * it was not (Redis unreachable), a job not handed back stays locked until the stalled check
   * of a live worker returns it to its queue.
   */
  close(graceMs?: number, handBackMs?: number): Promise<{ drained: boolean; clean: boolean }>
}

/**
 * Registers the worker record, loads the handlers of the selected queues, runs every `setup()`,
 * syncs the queues' schedules, subscribes to cancel requests, and only then starts one BullMQ
 * worker per queue: no job is taken before its handler's preload is done.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { registry, connection, prefix = 'jobq', logger, retention = RETENTION } = options
  const queues = options.queues?.length ? [...new Set(options.queues)] : [...registry.queueNames]
  for (const queue of queues) {
    if (!registry.queues[queue]) throw new UnknownQueueError(queue, registry.queueNames)
  }
  const sandboxed = queues.filter((queue) => registry.queues[queue]?.sandbox)
  if (sandboxed.length && !options.sandboxProcessor) {
    throw new TypeError(
      `queues ${sandboxed.join(', ')} are sandboxed: pass sandboxProcessor to startWorker`,
    )
  }
  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`
  const jobs = queues.flatMap((queue) => registry.jobsOf(queue))
  const record = await registerWorker(
    connection,
    prefix,
    { id, queues, jobs: jobs.map((job) => job.name) },
    { heartbeatMs: options.heartbeatMs, ttlMs: options.recordTtlMs, logger },
  )
  try {
    const handlers = await loadHandlers(jobs.filter((job) => !sandboxed.includes(job.queue)))

    // Queue handles (sharing the worker's connection) for schedules, fan-out children and
    // parent progress; made on first use.
    const queueHandles = new Map<string, Queue>()
    const queueOf = (name: string): Queue => {
      let queue = queueHandles.get(name)
      if (!queue) {
        if (!registry.queues[name]) throw new UnknownQueueError(name, registry.queueNames)
        queue = new Queue(name, { connection, prefix })
        queue.on('error', (err) => logger.warn({ err: err.message, queue: name }, 'queue error'))
        queueHandles.set(name, queue)
      }
      return queue
    }
    await syncSchedules(registry, new Map(queues.map((name) => [name, queueOf(name)])), logger)

    const fleetStats = new FleetStatsRecorder(connection, prefix)
    const history = new AttemptHistoryWriter(connection, id, logger)
    const shutdown = new AbortController()
    // The runs in progress here, by job id: cancels and shutdowns abort them.
    const runs = new Map<string, RunAbort>()
    const deps: ProcessDeps = {
      connection,
      handlers,
      runs,
      shutdown: shutdown.signal,
      logger,
      registry,
      queueOf,
      onParked: (job) => {
        record.jobReleased(job.id ?? '')
        history.ended(job, 'waiting-children')
      },
    }
    const workers = queues.map((queue) => {
      const definition = registry.queues[queue]
      const worker = new JobqWorker(
        queue,
        definition?.sandbox
          ? sandboxProcessorUrl(options.sandboxProcessor!, queue)
          : // Two parameters: BullMQ then makes no AbortController per job (a RunAbort does).
            (job: Job, token?: string) => processJob(job, token, deps),
        {
          connection,
          prefix,
          name: id,
          concurrency: options.concurrency ?? definition?.concurrency ?? 1,
          ...(definition?.limiter && { limiter: definition.limiter }),
          ...(options.lockDurationMs && { lockDuration: options.lockDurationMs }),
          ...(options.stalledIntervalMs && { stalledInterval: options.stalledIntervalMs }),
          // Out of the way on purpose: BullMQ counts stalls apart from attempts and, at its
          // default of 1, failed a job after its second crash with attempts left ("job stalled
          // more than allowable limit"). jobq counts every start as one attempt instead and
          // refuses a start beyond `attempts` (attempt-budget.ts), so a job that crashes its
          // worker every time still fails, after `attempts` starts, with a reason that says so.
          maxStalledCount: UNLIMITED_STALLS,
          removeOnComplete: retention.completed,
          removeOnFail: retention.failed,
        },
      )
      worker.on('error', (err) => logger.error({ err: err.message, queue }, 'worker error'))
      worker.on('active', (job) => {
        keeper?.ensureStarted()
        record.jobStarted(job.id ?? '')
        if (attemptsUsedUp(job)) history.refused(job)
        else history.started(job)
      })
      worker.on('completed', (job) => {
        history.ended(job, 'completed')
        finished(job, 'completed')
      })
      worker.on('failed', (job, err) => {
        logger.warn({ jobId: job?.id, jobName: job?.name, err: err.message }, 'job failed')
        if (!job) return
        history.ended(job, 'failed', err.message)
        finished(job, 'failed')
      })
      return worker
    })

    // Only in-process queues: a sandboxed handler blocks its child, not this event loop.
    const inProcess = workers.filter((worker) => !registry.queues[worker.name]?.sandbox)
    const keeper =
      options.lockKeeper !== false && inProcess.length
        ? createLockKeeper({
            connection,
            logger,
            lockMs: options.lockDurationMs ?? BULLMQ_LOCK_MS,
            queues: inProcess.map((worker) => ({
              base: `${prefix}:${worker.name}:`,
              workerId: worker.id,
            })),
          })
        : undefined

    const finished = (job: Job, outcome: 'completed' | 'failed') => {
      const durationMs = (job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now())
      record.jobFinished(job.id ?? '', outcome === 'completed' ? 'succeeded' : 'failed', durationMs)
      options.onJobFinished?.({ queue: job.queueName, name: job.name, outcome, durationMs })
      fleetStats.observe(job.queueName, durationMs)
      // BullMQ stamps finishedOn only on a job that will not run again (no retry left).
      if (job.finishedOn) fleetStats.finished(job.queueName, outcome)
      const parentQueue = job.parent?.queueKey.slice(prefix.length + 1)
      if (parentQueue && registry.queues[parentQueue]) {
        reportParentProgress(job, queueOf(parentQueue)).catch((err: Error) =>
          logger.warn({ err: err.message, jobId: job.id }, 'parent progress not updated'),
        )
      }
    }

    // A dedicated connection: once subscribed, a connection can do nothing else.
    const subscriber = connection.duplicate()
    subscriber.on('error', () => {}) // the main connection already reports Redis trouble
    const unsubscribe = await listenForCancels(subscriber, prefix, (jobId) => {
      const run = runs.get(jobId)
      run?.abort(CANCEL_SIGNAL_REASON)
      // A sandboxed job is BullMQ's to abort (it tells the child process).
      const held = workers.filter((worker) => worker.cancelJob(jobId, CANCEL_SIGNAL_REASON))
      if (run || held.length) logger.info({ jobId }, 'cancel requested: aborting the job')
    })

    await record.setState('idle')
    logger.info({ workerId: id, queues }, 'worker taking jobs')

    return {
      id,
      queues,
      record: () => record.snapshot(),
      async ping(timeoutMs = 1_000) {
        if (connection.status !== 'ready') return false
        const pong = connection.ping().then(
          (reply) => reply === 'PONG',
          () => false,
        )
        return Promise.race([pong, sleep(timeoutMs, false, { ref: false })])
      },
      async close(graceMs = 30_000, handBackMs = HAND_BACK_MS) {
        void record.setState('stopping').catch(() => undefined)
        const closing = Promise.all(workers.map((worker) => worker.close()))
        const drained = await Promise.race([
          closing.then(() => true),
          sleep(graceMs, false, { ref: false }),
        ])
        if (!drained) {
          logger.warn({ graceMs }, 'grace period over: handing active jobs back to their queues')
          shutdown.abort()
          for (const run of runs.values()) run.abort(SHUTDOWN_SIGNAL_REASON)
          // Sandboxed jobs learn it through their signal; the child hands its job back.
          for (const worker of workers) worker.cancelAllJobs(SHUTDOWN_SIGNAL_REASON)
        }
        // Every step below waits on Redis; bounded, so a Redis that does not answer cannot keep
        // the process alive (it used to, for good, retrying every few seconds).
        const clean = await Promise.race([
          (async () => {
            await closing
            if (!drained) {
              // No figure: a stop passes what is left of its grace, not what was configured.
              history.handBackAll('the worker shut down and its grace period ran out')
            }
            await history.flush()
            await unsubscribe()
            subscriber.disconnect()
            await fleetStats.close()
            await Promise.all([...queueHandles.values()].map((queue) => queue.close()))
            await record.remove()
            return true
          })().catch(() => false),
          sleep(handBackMs, false, { ref: false }),
        ])
        await keeper?.stop()
        if (!clean) {
          subscriber.disconnect()
          logger.warn({ handBackMs }, 'stop not confirmed by Redis: unfinished jobs stay locked')
        }
        return { drained, clean }
      },
    }
  } catch (err) {
    await record.remove().catch(() => undefined)
    throw err
  }
}

interface ProcessDeps {
  connection: Redis
  handlers: Map<string, ReadyHandler>
  runs: Map<string, RunAbort>
  shutdown: AbortSignal
  logger: Logger
  registry: AnyRegistry
  queueOf(name: string): Queue
  onParked(job: Job): void
}

async function processJob(
  job: Job,
  token: string | undefined,
  deps: ProcessDeps,
): Promise<unknown> {
  const usedUp = attemptsUsedUp(job)
  if (usedUp) throw new PermanentJobError(usedUp)
  const unreadable = unreadableReason(job)
  if (unreadable) throw new PermanentJobError(`invalid input: ${unreadable}`)
  const handler = deps.handlers.get(job.name)
  if (!handler) {
    throw new PermanentJobError(`no handler for job "${job.name}" on queue "${job.queueName}"`)
  }
  const abort = new RunAbort()
  const id = job.id ?? ''
  deps.runs.set(id, abort)
  try {
    const result = await runJob(job, handler, abort, deps.logger, createFanOut(job, token, deps))
    return await storeBigResult(deps.connection, deps.queueOf(job.queueName), job, result)
  } catch (err) {
    if (deps.shutdown.aborted) {
      // Cut off by shutdown: hand the job back untouched so another worker runs it.
      await job.moveToWait(token)
      throw new WaitingError()
    }
    throw err
  } finally {
    deps.runs.delete(id)
  }
}
