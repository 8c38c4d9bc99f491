import { AuditOperations } from './audit.js'
import { BackendOperations } from './backend.js'
import { BulkOperations } from './bulk.js'
import { OperationsContext, type OperationsOptions } from './context.js'
import { ControlOperations } from './control.js'
import { DeadLetterOperations } from './dead-letters.js'
import { FleetOperations } from './fleet.js'
import { GroupOperations } from './groups.js'
import { JobOperations } from './jobs.js'
import { QueueOperations } from './queues.js'

/**
 * Every operation jobq offers on a deployment, by concern. The HTTP producer, the CLI and the
 * dashboard are thin adapters over these; none of them loads handler code.
 */
export interface Operations {
  jobs: JobOperations
  control: ControlOperations
  queues: QueueOperations
  fleet: FleetOperations
  groups: GroupOperations
  /** Dead letters (failed jobs): list, counts (dead-letters.ts). */
  deadLetters: DeadLetterOperations
  /** Bulk actions on a filter: dry run, start, follow (bulk.ts). */
  bulk: BulkOperations
  backend: BackendOperations
  /** The audit trail of admin actions (`<prefix>:audit`). */
  audit: AuditOperations
  /** Closes the queues and event readers it opened (not the connections it was given). */
  close(): Promise<void>
}

/** The context behind each operations object, for the dashboard entry (`dashboard.ts`) only. */
export const contextOf = new WeakMap<Operations, OperationsContext>()

/** Creates the operations over one connection: one BullMQ `Queue` per registry queue. */
export function createOperations(options: OperationsOptions): Operations {
  const ctx = new OperationsContext(options)
  const queues = new QueueOperations(ctx)
  const control = new ControlOperations(ctx, queues)
  const bulk = new BulkOperations(ctx, control)
  const operations: Operations = {
    jobs: new JobOperations(ctx),
    control,
    queues,
    fleet: new FleetOperations(ctx),
    groups: new GroupOperations(ctx),
    deadLetters: new DeadLetterOperations(ctx),
    bulk,
    backend: new BackendOperations(ctx),
    audit: new AuditOperations(ctx),
    close: async () => {
      // Running bulk operations stop after their chunk (interrupted) before the queues close.
      await bulk.close()
      await ctx.close()
    },
  }
  contextOf.set(operations, ctx)
  return operations
}

export type { OperationsOptions } from './context.js'
export type { ListGroupsOptions } from './groups.js'
export type { BulkItem, JobWatch, ListJobsOptions, ParsedItem } from './jobs.js'
export type { WatchEvent } from './job-events.js'
