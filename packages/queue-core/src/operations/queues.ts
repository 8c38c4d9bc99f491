import type { Queue } from 'bullmq'
import type { JobState } from '../job-state.js'
import { listWorkers, type WorkerRecord } from '../records.js'
import type { OperationsContext } from './context.js'
import { cleanQueue, emptyQueue, summarizeQueue, type QueueSummary } from './queue-admin.js'

/** What pause or resume answers: the queues it applied to. */
export interface QueueActionOutcome {
  queues: string[]
}

/** Read and administer queues: `GET /v1/queues[/:queue]`, pause, resume, empty, clean. */
export class QueueOperations {
  constructor(private readonly ctx: OperationsContext) {}

  /** Counts, paused flag, backlog and live workers of every registry queue, in registry order. */
  summaries(): Promise<QueueSummary[]> {
    return this.summarize(this.ctx.allQueues())
  }

  /** One queue's summary. Throws `UnknownQueueError`. */
  async summary(name: string): Promise<QueueSummary> {
    const [summary] = await this.summarize([this.ctx.queueOf(name)])
    return summary!
  }

  /**
   * Stops workers taking jobs of `name`, or of every queue without it (active ones finish).
   * Throws `UnknownQueueError`.
   */
  pause(name?: string): Promise<QueueActionOutcome> {
    return this.each(name, (queue) => queue.pause())
  }

  /** Lets workers take jobs of `name` (or every queue) again. Throws `UnknownQueueError`. */
  resume(name?: string): Promise<QueueActionOutcome> {
    return this.each(name, (queue) => queue.resume())
  }

  /** Removes every waiting and delayed job of `name`; resolves with how many. */
  empty(name: string): Promise<number> {
    const queue = this.ctx.queueOf(name)
    return this.ctx.guard(() => emptyQueue(queue))
  }

  /** Removes `name`'s jobs in `state` older than `olderThanMs` (ms); resolves with how many. */
  clean(name: string, state: JobState, olderThanMs: number): Promise<number> {
    const queue = this.ctx.queueOf(name)
    return this.ctx.guard(() => cleanQueue(queue, state, olderThanMs))
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

  private async each(name: string | undefined, act: (queue: Queue) => Promise<void>) {
    const queues = name === undefined ? this.ctx.allQueues() : [this.ctx.queueOf(name)]
    await this.ctx.guard(() => Promise.all(queues.map(act)))
    return { queues: queues.map((queue) => queue.name) }
  }
}

/** How many live workers serve queue `name`. */
const serving = (workers: WorkerRecord[], name: string) =>
  workers.filter((worker) => worker.queues.includes(name)).length
