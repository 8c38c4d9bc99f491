import type { Logger } from '../logger.js'
import type { Redis } from '../connection.js'
import type { Retention } from '../job-options.js'
import type { WorkerRecord } from '../records.js'
import type { AnyRegistry } from '../registry.js'

/** Options of `startWorker`. */
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
   * enqueued with its own retention keeps that). @defaultValue `RETENTION` (job-options.ts)
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
