import { Queue } from 'bullmq'
import type { Redis } from '../connection.js'
import type { AnyJobDefinition } from '../define-job.js'
import { UnknownJobError, UnknownQueueError } from '../errors.js'
import { keepingCompleted, type Retention } from '../job-options.js'
import type { Logger } from '../logger.js'
import type { AnyRegistry } from '../registry.js'
import { backendOf, type Backend, type BackendGuard } from './backend-guard.js'
import { DEFAULT_IDEMPOTENCY_TTL_MS, type IdempotencyScope } from './idempotency.js'
import { JobEventHub } from './job-events.js'
import { bullTelemetry } from '../tracing/index.js'

/** Options of `createOperations`. */
export interface OperationsOptions {
  registry: AnyRegistry
  /** A connection made with `createRedis({ role: 'producer' })`: fails fast while Redis is away. */
  connection: Redis
  /** Key prefix shared with the workers. @defaultValue 'jobq' */
  prefix?: string
  /**
   * A connection made with `createRedis({ role: 'worker' })` for the blocking event readers
   * behind `jobs.watch()`. Without it, `watch()` is unavailable.
   */
  eventsConnection?: Redis
  logger?: Logger
  /**
   * Stamps every job with its own retention: at most this many completed jobs kept per queue,
   * overriding what the workers apply (`RETENTION` or their `JOBQ_KEEP_COMPLETED`).
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

/**
 * What every operation works with: the registry, one BullMQ `Queue` per registry queue (sharing
 * one connection), and the guard that turns Redis failures into typed errors. Internal to
 * `queue-core`: no BullMQ or ioredis object leaves the package through the operations.
 */
export class OperationsContext {
  readonly registry: AnyRegistry
  readonly connection: Redis
  readonly prefix: string
  readonly logger?: Logger
  readonly retention?: Retention
  readonly keys: IdempotencyScope
  readonly backend: Backend
  readonly events?: JobEventHub
  private readonly queues = new Map<string, Queue>()

  constructor(options: OperationsOptions) {
    const { registry, connection, prefix = 'jobq', logger, keepCompleted } = options
    this.registry = registry
    this.connection = connection
    this.prefix = prefix
    this.logger = logger
    this.retention = keepCompleted === undefined ? undefined : keepingCompleted(keepCompleted)
    const ttlMs = options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS
    this.keys = { redis: connection, prefix, ttlMs }
    this.backend = backendOf(connection)
    if (options.eventsConnection) {
      this.events = new JobEventHub(options.eventsConnection, prefix, logger)
    }
    for (const name of registry.queueNames) this.queues.set(name, this.openQueue(name))
  }

  /** Runs one Redis call; Redis's failures become `BackendUnavailableError`s. */
  readonly guard: BackendGuard = (call) => this.backend.guard(call)

  /** The definition of job `name`; throws {@link UnknownJobError}. */
  jobOf(name: string): AnyJobDefinition {
    const definition = this.registry.job(name)
    if (!definition) throw new UnknownJobError(name)
    return definition
  }

  /** The BullMQ queue behind registry queue `name`; throws {@link UnknownQueueError}. */
  queueOf(name: string): Queue {
    const queue = this.queues.get(name)
    if (!queue) throw new UnknownQueueError(name, this.registry.queueNames)
    return queue
  }

  /** Every registry queue, in registry order. */
  allQueues(): Queue[] {
    return [...this.queues.values()]
  }

  async close(): Promise<void> {
    await this.events?.close()
    await Promise.all(this.allQueues().map((queue) => queue.close()))
  }

  private openQueue(name: string): Queue {
    // Not skipWaitingForReady: BullMQ would then send its version check at once and, if Redis is
    // away at boot, keep that failure forever. `guard` gives the fast failure instead.
    const queue = new Queue(name, {
      connection: this.connection,
      prefix: this.prefix,
      ...bullTelemetry(),
    })
    queue.on('error', (err) => this.logger?.warn({ err: err.message, queue: name }, 'queue error'))
    return queue
  }
}
