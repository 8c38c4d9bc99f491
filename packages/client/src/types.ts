import type { AppRegistry, InputOf, InputOfVersion, OutputOf } from '@jobq/jobs'
// The API's shapes are queue-core's contracts, the schemas the producer validates and documents
// with; `import type` only, so none of their code (zod) enters the bundle.
import type {
  AuditEntry,
  AuditPage,
  BulkAction,
  BulkActionRequest,
  BulkDryRun,
  BulkEnqueued,
  BulkOperation,
  CancelOutcome,
  CleanOutcome,
  CleanRequest,
  EnqueuedJob,
  EnqueueOptions,
  GroupLimitRequest,
  GroupList,
  GroupView,
  JobList,
  JobLogs,
  JobState,
  JobView,
  QueueActionOutcome,
  QueueSummary,
  RequeueOutcome,
  RetryOutcome,
  ScheduleView,
  SearchPage,
  WorkerRecord,
} from '@jobq/queue-core/contracts'

type Jobs = AppRegistry['jobs']

/** Every job name the registry knows. */
export type JobName = Extract<keyof Jobs, string>

/** What a caller sends as `data` for job `N` (defaults may be left out). */
export type JobInput<N extends JobName> = InputOf<Jobs[N]>

/**
 * What a caller sends as `data` for version `V` of job `N` (`options.version`): an older
 * version's input for a job that declares it, else the current one ({@link JobInput}).
 */
export type JobInputAt<N extends JobName, V> = InputOfVersion<Jobs[N], V>

/** What a finished job `N` returns. */
export type JobResult<N extends JobName> = OutputOf<Jobs[N]>

/**
 * Per-enqueue options: delay, priority, attempts, timeoutMs, jobId (an idempotency key, not the
 * job's id).
 */
export type { EnqueueOptions }

/** What a bulk enqueue answers: per item, its job id and whether it was made now. */
export type { BulkEnqueued }

/** The answers of the admin calls, as the API documents them. */
export type {
  CancelOutcome,
  CleanOutcome,
  CleanRequest,
  GroupLimitRequest,
  GroupList,
  GroupView,
  JobState,
  QueueActionOutcome,
  QueueSummary,
  RequeueOutcome,
  RetryOutcome,
  ScheduleView,
  WorkerRecord,
}

/** A page of a search (`search()`, `GET /v1/jobs`): previews, newest first, and the next cursor. */
export type SearchResults = Omit<SearchPage, 'jobs'> & { jobs: Job[] }

/** A page of a queue's jobs (`list()`); list items carry previews of big payloads. */
export type JobPage = Omit<JobList, 'jobs'> & { jobs: Job[] }

/** What enqueue answers, typed by the job's name. */
export type EnqueuedHandle<N extends JobName = JobName> = EnqueuedJob & { name: N }

/** A job as `get()` answers it. */
export type Job<N extends JobName = JobName> = Omit<JobView, 'name' | 'data' | 'result'> & {
  name: N
  data: JobInput<N>
  result: JobResult<N> | null
}

/** One event of a job's stream. */
export type ClientJobEvent<N extends JobName = JobName> =
  | { type: 'state'; job: Job<N> }
  | { type: 'progress'; progress: unknown }
  | { type: 'retrying'; reason: string; attemptsMade: number }
  | { type: 'completed'; result: JobResult<N> }
  | { type: 'failed'; reason: string }

/** One admin action of the audit trail (`GET /v1/audit`). */
export type { AuditEntry }

/** A page of the audit trail, newest first. */
export type AuditTrail = AuditPage
export type { BulkAction, BulkActionRequest, BulkDryRun, BulkOperation }
/** A page of one job's log (`GET /v1/jobs/{id}/logs`): lines oldest first, total, state. */
export type { JobLogs }
