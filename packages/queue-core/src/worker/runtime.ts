import type { AttemptHistoryWriter } from '../attempt-history.js'
import type { Redis } from '../connection.js'
import type { FleetStatsRecorder } from '../fleet-stats.js'
import type { Logger } from '../logger.js'
import type { WorkerRecordHandle } from '../records.js'
import type { AnyRegistry } from '../registry.js'
import type { QueueHandles } from './queue-handles.js'
import type { RecentCancels } from './recent-cancels.js'
import type { RunAbort } from './run-abort.js'

/** What one started worker holds, shared by its job runs, its attempt events and its close. */
export interface WorkerRuntime {
  readonly id: string
  readonly prefix: string
  readonly connection: Redis
  readonly registry: AnyRegistry
  readonly logger: Logger
  /** Its worker record (heartbeats, state, current jobs). */
  readonly record: WorkerRecordHandle
  /** Every start and end of an attempt, per job. */
  readonly history: AttemptHistoryWriter
  /** Fleet-wide durations and final outcomes, read by the producer's metrics. */
  readonly fleetStats: FleetStatsRecorder
  readonly queueHandles: QueueHandles
  /** The in-process runs in progress, by job id: cancels and shutdowns abort them. */
  readonly runs: Map<string, RunAbort>
  /** Cancels heard for jobs that did not run here yet (see recent-cancels.ts). */
  readonly recentCancels: RecentCancels
  /** Aborted when the grace period of a close runs out. */
  readonly shutdown: AbortController
}
