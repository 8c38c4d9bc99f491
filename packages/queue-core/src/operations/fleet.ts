import type { QueueStats } from '../contracts/fleet.js'
import { readRecordedStats } from '../fleet-stats.js'
import { listWorkers, type WorkerRecord } from '../records.js'
import { listSchedules, type ScheduleView } from '../schedules.js'
import type { OperationsContext } from './context.js'

/** Read the fleet: worker records, job schedulers, and what the workers have done. */
export class FleetOperations {
  constructor(private readonly ctx: OperationsContext) {}

  /** The live worker records (`GET /v1/workers`, `jobq workers`). */
  workers(): Promise<WorkerRecord[]> {
    return this.ctx.guard(() => listWorkers(this.ctx.connection, this.ctx.prefix))
  }

  /** The job schedulers of every queue, soonest next run first (`GET /v1/schedules`). */
  schedules(): Promise<ScheduleView[]> {
    const { ctx } = this
    const sources = { registry: ctx.registry, connection: ctx.connection, prefix: ctx.prefix }
    return ctx.guard(() => listSchedules(ctx.allQueues(), sources))
  }

  /** Per queue: completed and failed totals (every worker) and the job duration histogram. */
  stats(): Promise<QueueStats[]> {
    const { ctx } = this
    return ctx.guard(async () => {
      const names = ctx.registry.queueNames
      const recorded = await readRecordedStats(ctx.connection, ctx.prefix, names)
      return names.map((queue, i) => ({ queue, ...recorded[i]! }))
    })
  }
}
