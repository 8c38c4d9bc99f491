import type { Queue } from 'bullmq'
import {
  CleanRequest,
  type CleanOutcome,
  type QueueActionOutcome,
  type QueueSummary,
} from '../contracts/queues.js'
import { listWorkers, type WorkerRecord } from '../records.js'
import type { OperationsContext } from './context.js'
import { parseInput } from './parse-input.js'
import { oldestWaiting, type OldestWaiting } from './oldest-waiting.js'
import { cleanQueue, emptyQueue, summarizeQueue } from './queue-admin.js'
import { sweepIndex } from './search-index.js'

/** Read and administer queues: `GET /v1/queues[/:queue]`, pause, resume, empty, clean. */
export class QueueOperations {
  constructor(private readonly ctx: OperationsContext) {}

  /** Counts, paused flag, backlog and live workers of every registry queue, in registry order. */
  summaries(): Promise<QueueSummary[]> {
    return this.summarize(this.ctx.allQueues())
  }

  /** The age of each registry queue's oldest waiting job (see `oldestWaiting`), in registry order. */
  oldestWaiting(): Promise<OldestWaiting[]> {
    const { ctx } = this
    return ctx.guard(() =>
      Promise.all(ctx.allQueues().map((queue) => oldestWaiting(queue, ctx.connection))),
    )
  }

  /** One queue's summary. Throws `UnknownQueueError`. */
  async summary(name: string): Promise<QueueSummary> {
    const [summary] = await this.summarize([this.ctx.queueOf(name)])
    return summary!
  }

  /** Stops workers taking jobs of `name` (active ones finish). Throws `UnknownQueueError`. */
  pause(name: string): Promise<QueueActionOutcome> {
    return this.act(name, (queue) => queue.pause())
  }

  /** Lets workers take jobs of `name` again. Throws `UnknownQueueError`. */
  resume(name: string): Promise<QueueActionOutcome> {
    return this.act(name, (queue) => queue.resume())
  }

  /** {@link pause} of every registry queue; answers them all. */
  pauseAll(): Promise<QueueSummary[]> {
    return this.actOnAll((queue) => queue.pause())
  }

  /** {@link resume} of every registry queue; answers them all. */
  resumeAll(): Promise<QueueSummary[]> {
    return this.actOnAll((queue) => queue.resume())
  }

  /** Removes every waiting and delayed job of `name`; `affected` = how many. */
  async empty(name: string): Promise<QueueActionOutcome> {
    const queue = this.ctx.queueOf(name)
    const affected = await this.ctx.guard(() => emptyQueue(queue))
    await this.ctx.guard(() => sweepIndex(this.ctx.connection, queue))
    return { queue: await this.summary(name), affected }
  }

  /**
   * Removes `name`'s jobs in `request.state` older than `request.olderThanMs` (ms; a
   * `CleanRequest`, so not `active`); `affected` = how many. Throws `JobValidationError`,
   * `UnknownQueueError`.
   */
  async clean(name: string, request: unknown): Promise<CleanOutcome> {
    const queue = this.ctx.queueOf(name)
    const { state, olderThanMs } = parseInput(CleanRequest, request, 'clean request')
    const affected = await this.ctx.guard(() => cleanQueue(queue, state, olderThanMs))
    await this.ctx.guard(() => sweepIndex(this.ctx.connection, queue))
    return { queue: await this.summary(name), affected }
  }

  private summarize(queues: Queue[]): Promise<QueueSummary[]> {
    const { ctx } = this
    return ctx.guard(async () => {
      const [summaries, workers] = await Promise.all([
        Promise.all(queues.map((queue) => summarizeQueue(queue, ctx.connection))),
        listWorkers(ctx.connection, ctx.prefix),
      ])
      return summaries.map((summary) => ({ ...summary, workers: serving(workers, summary.name) }))
    })
  }

  private async act(name: string, action: (queue: Queue) => Promise<void>) {
    const queue = this.ctx.queueOf(name)
    await this.ctx.guard(() => action(queue))
    return { queue: await this.summary(name) }
  }

  private async actOnAll(action: (queue: Queue) => Promise<void>): Promise<QueueSummary[]> {
    await this.ctx.guard(() => Promise.all(this.ctx.allQueues().map(action)))
    return this.summaries()
  }
}

/** How many live workers serve queue `name`. */
const serving = (workers: WorkerRecord[], name: string) =>
  workers.filter((worker) => worker.queues.includes(name)).length
