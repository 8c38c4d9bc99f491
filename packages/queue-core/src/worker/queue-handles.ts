import { Queue } from 'bullmq'
import type { Redis } from '../connection.js'
import { UnknownQueueError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { AnyRegistry } from '../registry.js'
import { bullTelemetry } from '../tracing/index.js'

/**
 * The worker's BullMQ `Queue` handles (sharing its connection), for schedules, fan-out children
 * and parent progress: one per queue, made on first use, closed with the worker.
 */
export class QueueHandles {
  private readonly handles = new Map<string, Queue>()

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly registry: AnyRegistry,
    private readonly logger: Logger,
  ) {}

  /** The handle of queue `name`; throws `UnknownQueueError` for a queue the registry lacks. */
  get(name: string): Queue {
    let queue = this.handles.get(name)
    if (!queue) {
      if (!this.registry.queues[name]) throw new UnknownQueueError(name, this.registry.queueNames)
      // Traced (when on): a fan-out's children are added here, inside the parent's span.
      queue = new Queue(name, {
        connection: this.connection,
        prefix: this.prefix,
        ...bullTelemetry(),
      })
      queue.on('error', (err) => this.logger.warn({ err: err.message, queue: name }, 'queue error'))
      this.handles.set(name, queue)
    }
    return queue
  }

  /** Closes every handle made so far. */
  async close(): Promise<void> {
    await Promise.all([...this.handles.values()].map((queue) => queue.close()))
  }
}
