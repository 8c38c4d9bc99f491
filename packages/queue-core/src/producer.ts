import { randomUUID } from 'node:crypto'
import { Queue, type Job } from 'bullmq'
import { backendOf, probeWrite } from './backend.js'
import { addAllOrNone } from './bulk-add.js'
import { isResultMarker, resolveResult } from './big-result.js'
import { previewJobView } from './preview.js'
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
import { keepingCompleted, toBullOptions } from './job-options.js'
import { readHistory } from './attempt-history.js'
import { retryWithFreshAttempts } from './attempt-budget.js'
import { addKeyed, DEFAULT_IDEMPOTENCY_TTL_MS, type IdempotencyScope } from './idempotency.js'
import { TolerantJob } from './tolerant-job.js'
import { BULLMQ_TYPES, toPublicState, type JobState } from './job-state.js'
import { readRecordedStats, type DurationHistogram } from './fleet-stats.js'
import { JobEventHub, type JobEvent } from './job-events.js'
import { toJobView, type JobView } from './job-view.js'
import {
  cleanQueue,
  emptyQueue,
  retryFailed,
  summarizeQueue,
  type QueueSummary,
} from './queue-admin.js'
import type { Logger } from './logger.js'
import type { AnyJobDefinition } from './define-job.js'
import type { ValidationIssue } from './errors.js'
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
  /**
   * A connection made with `createRedis({ role: 'worker' })` for the blocking event readers
   * behind `watch()`. Without it, `watch()` is unavailable.
   */
  eventsConnection?: Redis
  logger?: Logger
  /**
   * Stamps every job with its own retention: at most this many completed jobs kept per queue,
   * overriding what the workers apply ({@link RETENTION} or their `JOBQ_KEEP_COMPLETED`).
   * Unset (the default), jobs carry no retention and stay smaller.
   */
  keepCompleted?: number
  /**
   * How long, in ms, an idempotency key (`options.jobId`) is remembered: within it the same key
   * of the same job answers the job it made, however long that job itself is kept.
   * @defaultValue {@link DEFAULT_IDEMPOTENCY_TTL_MS} (24 h)
   */
  idempotencyTtlMs?: number
}

/** What enqueue answers. */
export interface EnqueuedJob {
  /** The job's id, made by jobq (a UUID); never the caller's `jobId`, which is a key. */
  id: string
  name: string
  queue: string
  /** `removed`: the key's job was made, then removed (retention, clean, cancel). */
  state: JobState | 'removed'
  enqueuedAt: string
  /** False when the idempotency key (`jobId`) had already made a job: that job is answered. */
  created: boolean
}

/** What a bulk enqueue answers: per item, in order, its job id and whether it was made now. */
export interface BulkEnqueued {
  ids: string[]
  /** False for an item whose key had made a job before (or earlier in the same bulk). */
  created: boolean[]
}

/** One item of a bulk enqueue. */
export interface BulkItem {
  data: unknown
  options?: unknown
}

/** A job being watched: where it stands now, and how to stop watching. */
export interface JobWatch {
  current: JobView
  stop: () => void
}

/** What every worker of a queue has done, read from Redis. */
export interface QueueStats {
  queue: string
  completed: number
  failed: number
  duration: DurationHistogram
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
  /** Validates every item first; enqueues all of them in one transaction, or none. */
  enqueueBulk(name: string, items: readonly BulkItem[]): Promise<BulkEnqueued>
  /**
   * Reads job `id` and calls `onEvent` for its progress and its end. Subscribes before reading,
   * so an event between the two is never missed.
   */
  watch(id: string, onEvent: (event: JobEvent) => void): Promise<JobWatch>
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
  /** Counts, paused flag and backlog of every registry queue. */
  summarize(): Promise<QueueSummary[]>
  /** Stops workers taking jobs of `queue` (active ones finish). */
  pause(queue: string): Promise<void>
  resume(queue: string): Promise<void>
  /** Moves every failed job of `queue` back to waiting, each with fresh attempts; resolves with how many. */
  retryFailed(queue: string): Promise<number>
  /** Removes every waiting and delayed job of `queue`; resolves with how many. */
  empty(queue: string): Promise<number>
  /** Removes `queue`'s jobs in `state` older than `olderThanMs`; resolves with how many. */
  clean(queue: string, state: JobState, olderThanMs: number): Promise<number>
  /** Per queue: completed and failed totals (every worker) and the job duration histogram. */
  stats(): Promise<QueueStats[]>
  /** True when Redis answers within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>
  /**
   * Whether Redis takes writes now (one short-lived key written, see {@link probeWrite}):
   * `undefined` when it does, else the error an enqueue would meet.
   */
  probeWrite(timeoutMs?: number): Promise<BackendUnavailableError | undefined>
  /**
   * The typed error for a Redis call that failed outside the producer (the dashboard's), or
   * `undefined` when the error is no failure of Redis.
   */
  explainBackendError(err: unknown): BackendUnavailableError | undefined
  close(): Promise<void>
}

/** Creates a producer with one BullMQ `Queue` per registry queue, sharing one connection. */
export function createProducer({
  registry,
  connection,
  prefix = 'jobq',
  eventsConnection,
  logger,
  keepCompleted,
  idempotencyTtlMs = DEFAULT_IDEMPOTENCY_TTL_MS,
}: ProducerOptions): Producer {
  const keys: IdempotencyScope = { redis: connection, prefix, ttlMs: idempotencyTtlMs }
  const retention = keepCompleted === undefined ? undefined : keepingCompleted(keepCompleted)
  const queues = new Map<string, Queue>()
  for (const name of registry.queueNames) {
    // Not skipWaitingForReady: BullMQ would then send its version check at once and, if Redis is
    // away at boot, keep that failure forever. `guard` below gives the fast failure instead.
    const queue = new Queue(name, { connection, prefix })
    queue.on('error', (err) => logger?.warn({ err: err.message, queue: name }, 'queue error'))
    queues.set(name, queue)
  }

  const events = eventsConnection && new JobEventHub(eventsConnection, prefix, logger)

  const jobOf = (name: string) => {
    const definition = registry.job(name)
    if (!definition) throw new UnknownJobError(name)
    return definition
  }

  const queueOf = (name: string): Queue => {
    const queue = queues.get(name)
    if (!queue) throw new UnknownQueueError(name, registry.queueNames)
    return queue
  }

  /** Turns a failed or refused Redis call into a 503-able error; other errors pass through. */
  const backend = backendOf(connection)
  const guard = backend.guard

  /** The job with this id and its public state, whichever queue holds it. */
  const findJob = async (id: string): Promise<{ job: Job; state: JobState }> => {
    // One round trip asks every queue whether it holds a job hash with this id.
    const names = [...queues.keys()]
    const found = await guard(async () => {
      const pipeline = connection.pipeline()
      for (const name of names) pipeline.hexists(queueOf(name).toKey(id), 'timestamp')
      const replies = (await pipeline.exec()) ?? []
      // A pipeline reports errors per command. WRONGTYPE means the id names one of BullMQ's own
      // keys (`wait`, `meta`, …), not a job; any other error means we cannot tell "absent"
      // from "down".
      const failure = replies.find(([err]) => err && !err.message.startsWith('WRONGTYPE'))?.[0]
      if (failure) throw failure
      return names.filter((_, i) => replies[i]?.[1] === 1)
    })
    const queueName = found[0]
    if (queueName === undefined) throw new JobNotFoundError(id)
    const queue = queueOf(queueName)
    // The state first, the job hash second: a job that finishes in between then reads as
    // "active" with its result, never as "completed" without one (states only move forward).
    const state = toPublicState(await guard(() => queue.getJobState(id)))
    // Tolerant: a job whose stored data is not JSON is still shown (data: null), not a 500.
    const job = await guard(() => TolerantJob.fromId(queue, id))
    if (!job || !state) throw new JobNotFoundError(id)
    return { job, state }
  }

  return {
    async enqueue(name, data, rawOptions) {
      const definition = jobOf(name)
      const { data: input, options } = validate(definition, [{ data, options: rawOptions }])[0]!
      const queue = queueOf(definition.queue)
      const enqueued = (id: string, at: number): EnqueuedJob => ({
        id,
        name,
        queue: definition.queue,
        state: options.delay ? 'delayed' : 'waiting',
        enqueuedAt: new Date(at).toISOString(),
        created: true,
      })
      if (options.jobId === undefined) {
        // The hot path: no key, so no claim; jobq makes the id.
        const id = randomUUID()
        const job = await guard(() =>
          queue.add(name, input, toBullOptions(definition, options, id, retention)),
        )
        return enqueued(id, job.timestamp)
      }
      const opts = toBullOptions(definition, options, '', retention)
      const [added] = await guard(() =>
        addKeyed(queue, keys, [{ name, data: input, opts, key: options.jobId }]),
      )
      const { id, created, enqueuedAt = Date.now() } = added!
      if (created) return enqueued(id, enqueuedAt)
      // The key's job: as it is now, or gone (retention, clean or cancel removed it).
      const state = await guard(() => queue.getJobState(id))
      return { ...enqueued(id, enqueuedAt), state: toPublicState(state) ?? 'removed', created }
    },

    async enqueueBulk(name, items) {
      const definition = jobOf(name)
      const queue = queueOf(definition.queue)
      const valid = validate(definition, items)
      if (valid.every(({ options }) => options.jobId === undefined)) {
        // No keys (the usual bulk): nothing claimed. BullMQ 6.7 sends addBulk as a pipeline, not
        // a MULTI; addAllOrNone removes this bulk's jobs again when Redis refuses part-way.
        const jobs = valid.map(({ data, options }) => ({
          name,
          data,
          opts: toBullOptions(definition, options, randomUUID(), retention),
        }))
        await guard(() => addAllOrNone(queue, connection, jobs))
        return { ids: jobs.map((job) => job.opts.jobId!), created: jobs.map(() => true) }
      }
      const jobs = valid.map(({ data, options }) => ({
        name,
        data,
        opts: toBullOptions(definition, options, '', retention),
        ...(options.jobId !== undefined && { key: options.jobId }),
      }))
      // One MULTI: every job is added, or (on error) none.
      const added = await guard(() => addKeyed(queue, keys, jobs))
      return { ids: added.map((job) => job.id), created: added.map((job) => job.created) }
    },

    async watch(id, onEvent) {
      if (!events) throw new TypeError('watch() needs the eventsConnection option')
      const { queue } = await this.getJob(id)
      const stop = await events.subscribe(queue, id, onEvent)
      try {
        return { current: await this.getJob(id), stop }
      } catch (err) {
        stop()
        throw err
      }
    },

    async getJob(id) {
      const { job, state } = await findJob(id)
      const key = queueOf(job.queueName).toKey(id)
      const history = await guard(() => readHistory(connection, key))
      const view = toJobView(job, state, history)
      // A big result is stored aside (big-result.ts): read it back for the whole job.
      if (!isResultMarker(view.result)) return view
      return { ...view, result: await guard(() => resolveResult(connection, key, view.result)) }
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
          // BullMQ keeps a schedule's next run (its scheduler re-plans from it): not ours to drop.
          if (err instanceof Error && /belongs to a job scheduler/.test(err.message)) {
            throw new JobConflictError(
              id,
              state,
              `job "${id}" is the next run of schedule "${job.repeatJobKey}": it cannot be ` +
                'cancelled before it starts (the schedule comes from its job definition); once ' +
                'it runs, DELETE aborts it',
            )
          }
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
      await guard(() => retryWithFreshAttempts(job))
      return { id, state: 'waiting' }
    },

    listWorkers: () => guard(() => listWorkers(connection, prefix)),

    listSchedules: () => guard(() => listSchedules(queues.values())),

    async listJobs(queueName, { state, limit = 50, offset = 0 }) {
      const queue = queueOf(queueName)
      const jobs = await guard(() =>
        queue.getJobs(BULLMQ_TYPES[state], offset, offset + limit - 1, false),
      )
      // Previews, never whole payloads: a page of 3 MB jobs must not send 60 MB (preview.ts).
      return jobs.filter(Boolean).map((job) => previewJobView(toJobView(job, state)))
    },

    queue: queueOf,

    summarize() {
      return guard(async () => {
        const [summaries, workers] = await Promise.all([
          Promise.all([...queues.values()].map((queue) => summarizeQueue(queue, connection))),
          listWorkers(connection, prefix),
        ])
        return summaries.map((summary) => ({
          ...summary,
          workers: workers.filter((worker) => worker.queues.includes(summary.name)).length,
        }))
      })
    },
    pause: (name) => guard(() => queueOf(name).pause()),
    resume: (name) => guard(() => queueOf(name).resume()),
    retryFailed: (name) => guard(() => retryFailed(queueOf(name), connection)),
    empty: (name) => guard(() => emptyQueue(queueOf(name))),
    clean: (name, state, olderThanMs) => guard(() => cleanQueue(queueOf(name), state, olderThanMs)),

    stats: () =>
      guard(async () => {
        const names = [...queues.keys()]
        const recorded = await readRecordedStats(connection, prefix, names)
        return names.map((queue, i) => ({ queue, ...recorded[i]! }))
      }),

    async ping(timeoutMs = 1_000) {
      if (connection.status !== 'ready') return false
      const timeout = new Promise<false>((resolve) => setTimeout(resolve, timeoutMs, false).unref())
      const pong = connection.ping().then(
        (reply) => reply === 'PONG',
        () => false,
      )
      return Promise.race([pong, timeout])
    },

    probeWrite: (timeoutMs) => probeWrite(connection, guard, prefix, timeoutMs),
    explainBackendError: (err) => backend.explain(err),

    async close() {
      await events?.close()
      await Promise.all([...queues.values()].map((queue) => queue.close()))
    },
  }
}

/** What validating absent options gives: no options. */
const NO_OPTIONS = { success: true, data: {} } as const

/**
 * Validates items against a job's input schema and the enqueue options. Every issue of every
 * item is collected (paths like `items.3.data.ms` for bulk) before anything is thrown.
 */
function validate(
  definition: AnyJobDefinition,
  items: readonly BulkItem[],
): { data: unknown; options: EnqueueOptions }[] {
  const issues: ValidationIssue[] = []
  let last: { item: BulkItem; checked: { data: unknown; options: EnqueueOptions } } | undefined
  const valid = items.map((item, index) => {
    // An item with the very payload of the one before (a `{ count, data }` request repeats one)
    // is checked once, not `count` times, and its problems are named once.
    if (last && item.data === last.item.data && item.options === last.item.options) {
      return last.checked
    }
    const at = items.length === 1 && index === 0 ? '' : `items.${index}.`
    const input = definition.input.safeParse(item.data)
    // Most items carry no options: no need to parse an empty object 10,000 times.
    const options =
      item.options === undefined ? NO_OPTIONS : enqueueOptionsSchema.safeParse(item.options)
    if (!input.success) issues.push(...toIssues(input.error, `${at}data`))
    if (!options.success) issues.push(...toIssues(options.error, `${at}options`))
    last = { item, checked: { data: input.data, options: options.data ?? {} } }
    return last.checked
  })
  if (issues.length) {
    throw new JobValidationError(`invalid input for job "${definition.name}"`, issues)
  }
  return valid
}
