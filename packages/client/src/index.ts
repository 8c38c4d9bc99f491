export { createClient } from './client.js'
export type {
  AuditOptions,
  ClientOptions,
  JobqClient,
  SearchOptions,
  WaitOptions,
} from './client.js'
export type { FollowOptions } from './bulk.js'
export { JobFailedError, JobqApiError, JobWaitTimeoutError } from './errors.js'
export type { Problem } from './errors.js'
export type {
  AuditEntry,
  AuditTrail,
  BulkAction,
  BulkActionRequest,
  BulkDryRun,
  BulkEnqueued,
  BulkOperation,
  CancelOutcome,
  CleanOutcome,
  CleanRequest,
  ClientJobEvent,
  EnqueuedHandle,
  EnqueueOptions,
  GroupLimitRequest,
  GroupList,
  GroupView,
  Job,
  JobInput,
  JobLogs,
  JobName,
  JobPage,
  JobResult,
  JobState,
  QueueActionOutcome,
  QueueSummary,
  RequeueOutcome,
  RetryOutcome,
  ScheduleView,
  SearchResults,
  WorkerRecord,
} from './types.js'
