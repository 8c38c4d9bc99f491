import { randomUUID } from 'node:crypto'
import { Job, Queue } from 'bullmq'
import type { Redis } from './connection.js'
import { enqueueOptionsSchema, type EnqueueOptions } from './enqueue-options.js'
import {
  BackendUnavailableError,
  JobConflictError,
  JobNotFoundError,
  JobValidationError,
  UnknownJobError,
  UnknownQueueError,
} from './errors.js'
import { toBullOptions } from './job-options.js'
import { BULLMQ_TYPES, toPublicState, type JobState } from './job-state.js'
import { toJobView, type JobView } from './job-view.js'
import type { Logger } from './logger.js'
import { requestCancel } from './cancel.js'
import { listWorkers, type WorkerRecord } from './records.js'
import type { AnyRegistry } from './registry.js'
import { listSchedules, type ScheduleView } from './schedules.js'
import { toIssues } from './validation.js'

/** Options of {@link createProducer}. */
export interface ProducerOptions {
  registry: AnyRegistry
  /** A connection made with `createRedis({ role: 'producer' })`: fails fast while Redis is away. */
  connection: Redis
  /** Key prefix shared with the workers. @defaultValue 'jobq' */
  prefix?: string
  logger?: Logger
}

/** What enqueue answers. */
export interface EnqueuedJob {
  id: string
  name: string
  queue: string
  state: 'waiting' | 'delayed'
  enqueuedAt: string
}

/** Which page of a queue's jobs to list. */
export interface ListJobsOptions {
  state: JobState
  /** @defaultValue 50 */
  limit?: number
  /** @defaultValue 0 */
  offset?: number
}

/** What {@link Producer.cancel} did: removed a job that had not started, or asked its worker to stop it. */
export interface CancelOutcome {
  id: string
  outcome: 'removed' | 'cancelling'
}

/** Enqueues and reads jobs of a registry; never loads handler code. */
export interface Producer {
  /** Validates `data` against the job's input schema, then enqueues it. */
  enqueue(name: string, data: unknown, options?: unknown): Promise<EnqueuedJob>
  /** One job by id, whichever queue holds it. */
  getJob(id: string): Promise<JobView>
  /** A page of one queue's jobs in one state, newest first. */
  listJobs(queue: string, options: ListJobsOptions): Promise<JobView[]>
  /**
   * Cancels a job (`DELETE /v1/jobs/:id`): a waiting or delayed job is removed; an active one is
   * aborted on whichever worker process holds it and ends failed with reason "cancelled", not
   * retried. Throws {@link JobConflictError} for a finished job, {@link JobNotFoundError}.
   */
  cancel(id: string): Promise<CancelOutcome>
  /** Moves a failed job back to waiting, for a fresh set of attempts; else {@link JobConflictError}. */
  retry(id: string): Promise<{ id: string; state: 'waiting' }>
  /** The live worker records (`GET /v1/workers`). */
  listWorkers(): Promise<WorkerRecord[]>
  /** The job schedulers of every queue, soonest next run first (`GET /v1/schedules`). */
  listSchedules(): Promise<ScheduleView[]>
  /** The BullMQ queue behind a registry queue name. */
  queue(name: string): Queue
  /** True when Redis answers within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>
  close(): Promise<void>
}

/** Creates a producer with one BullMQ `Queue` per registry queue, sharing one connection. */
export function createProducer({
  registry,
  connection,
  prefix = 'jobq',
  logger,
}: ProducerOptions): Producer {
  const queues = new Map<string, Queue>()
  for (const name of registry.queueNames) {
    // Not skipWaitingForReady: BullMQ would then send its version check at once and, if Redis is
    // away at boot, keep that failure forever. `guard` below gives the fast failure instead.
    const queue = new Queue(name, { connection, prefix })
    queue.on('error', (err) => logger?.warn({ err: err.message, queue: name }, 'queue error'))
    queues.set(name, queue)
  }

  const queueOf = (name: string): Queue => {
    const queue = queues.get(name)
    if (!queue) throw new UnknownQueueError(name, registry.queueNames)
    return queue
  }

  /** Turns a failed Redis call into a 503-able error; other errors pass through. */
  const guard = async <T>(call: () => Promise<T>): Promise<T> => {
    if (connection.status !== 'ready') throw new BackendUnavailableError()
    try {
      return await call()
    } catch (err) {
      if (connection.status !== 'ready' || isConnectionError(err)) {
        throw new BackendUnavailableError({ cause: err })
      }
      throw err
    }
  }

  /** The job with this id and its public state, whichever queue holds it. */
  const findJob = async (id: string): Promise<{ job: Job; state: JobState }> => {
    // One round trip asks every queue whether it holds a job hash with this id.
    const names = [...queues.keys()]
    const found = await guard(async () => {
      const pipeline = connection.pipeline()
      for (const name of names) pipeline.hexists(queueOf(name).toKey(id), 'timestamp')
      const replies = (await pipeline.exec()) ?? []
      return names.filter((_, i) => replies[i]?.[1] === 1)
    })
    const queueName = found[0]
    if (queueName === undefined) throw new JobNotFoundError(id)
    const job = await guard(() => Job.fromId(queueOf(queueName), id))
    if (!job) throw new JobNotFoundError(id)
    const state = toPublicState(await guard(() => job.getState()))
    if (!state) throw new JobNotFoundError(id)
    return { job, state }
  }

  return {
    async enqueue(name, data, rawOptions) {
      const definition = registry.job(name)
      if (!definition) throw new UnknownJobError(name)
      const input = definition.input.safeParse(data)
      const options = enqueueOptionsSchema.safeParse(rawOptions ?? {})
      if (!input.success || !options.success) {
        const issues = [
          ...(input.success ? [] : toIssues(input.error, 'data')),
          ...(options.success ? [] : toIssues(options.error, 'options')),
        ]
        throw new JobValidationError(`invalid input for job "${name}"`, issues)
      }
      const opts: EnqueueOptions = options.data
      const id = opts.jobId ?? randomUUID()
      const job = await guard(() =>
        queueOf(definition.queue).add(name, input.data, toBullOptions(definition, opts, id)),
      )
      return {
        id,
        name,
        queue: definition.queue,
        state: opts.delay ? 'delayed' : 'waiting',
        enqueuedAt: new Date(job.timestamp).toISOString(),
      }
    },

    async getJob(id) {
      const { job, state } = await findJob(id)
      return toJobView(job, state)
    },

    async cancel(id) {
      for (let tries = 0; ; tries++) {
        const { job, state } = await findJob(id)
        if (state === 'completed' || state === 'failed') {
          throw new JobConflictError(id, state, `job "${id}" has already ${state}`)
        }
        if (state === 'active') {
          await guard(() => requestCancel(connection, prefix, id))
          return { id, outcome: 'cancelling' }
        }
        try {
          await guard(() => job.remove())
          return { id, outcome: 'removed' }
        } catch (err) {
          // A worker took it between our read and the remove (it is locked): look again.
          if (tries >= 2 || err instanceof BackendUnavailableError) throw err
        }
      }
    },

    async retry(id) {
      const { job, state } = await findJob(id)
      if (state !== 'failed') {
        throw new JobConflictError(
          id,
          state,
          `job "${id}" is ${state}; only failed jobs can be retried`,
        )
      }
      await guard(() => job.retry('failed'))
      return { id, state: 'waiting' }
    },

    listWorkers: () => guard(() => listWorkers(connection, prefix)),

    listSchedules: () => guard(() => listSchedules(queues.values())),

    async listJobs(queueName, { state, limit = 50, offset = 0 }) {
      const queue = queueOf(queueName)
      const jobs = await guard(() =>
        queue.getJobs(BULLMQ_TYPES[state], offset, offset + limit - 1, false),
      )
      return jobs.filter(Boolean).map((job) => toJobView(job, state))
    },

    queue: queueOf,

    async ping(timeoutMs = 1_000) {
      if (connection.status !== 'ready') return false
      const timeout = new Promise<false>((resolve) => setTimeout(resolve, timeoutMs, false).unref())
      const pong = connection.ping().then(
        (reply) => reply === 'PONG',
        () => false,
      )
      return Promise.race([pong, timeout])
    },

    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()))
    },
  }
}

function isConnectionError(err: unknown): boolean {
  const message = err instanceof Error ? err.message : ''
  return /Connection is closed|Stream isn't writeable|ECONNREFUSED|ETIMEDOUT|max retries/i.test(
    message,
  )
}
