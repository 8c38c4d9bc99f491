export { baseEnvShape, intEnv, listEnv, optionalIntEnv, parseEnv, redisTlsOf } from './config.js'
export { parseWholeNumber, wholeNumber } from './contracts/integers.js'
export type { WholeNumberBounds } from './contracts/integers.js'
export { HASH_TAGGED, redisTargetOf } from './redis-target.js'
export type { HostPort, RedisEnv, RedisTarget } from './redis-target.js'
export { createRedis, waitForReady } from './connection.js'
export type { Redis, RedisRole, RedisConnectionOptions, RedisTlsOptions } from './connection.js'
export { defineJob, defineQueue, JOB_NAME_PATTERN, QUEUE_NAME_PATTERN } from './define-job.js'
export type {
  AnyJobDefinition,
  ChildJob,
  ChildOutcome,
  HandlerContext,
  HandlerOf,
  InputOf,
  JobDefaults,
  JobDefinition,
  JobSchedule,
  OutputOf,
  QueueDefinition,
} from './define-job.js'
export { createRegistry } from './registry.js'
export type { AnyRegistry, JobsByName, Registry } from './registry.js'
export {
  enqueueOptionsSchema,
  IDEMPOTENCY_KEY_PATTERN,
  isValidJobId,
  JOB_ID_PATTERN,
  MAX_PRIORITY,
} from './enqueue-options.js'
export type { EnqueueOptions } from './enqueue-options.js'
export { JOB_STATES, toPublicState } from './job-state.js'
export type { JobState } from './job-state.js'
export type { JobView } from './job-view.js'
export type { AttemptEntry, AttemptOutcome } from './attempt-history.js'
export { keepingCompleted, RETENTION, type Retention } from './job-options.js'
export { createOperations } from './operations/index.js'
export {
  DEFAULT_IDEMPOTENCY_TTL_MS,
  idempotencyEnvShape,
  idempotencyKeyOf,
} from './operations/idempotency.js'
export type {
  BulkItem,
  JobWatch,
  ListJobsOptions,
  Operations,
  OperationsOptions,
  ParsedItem,
  WatchEvent,
} from './operations/index.js'
export type {
  BulkEnqueued,
  CancelOutcome,
  CleanOutcome,
  EnqueuedJob,
  QueueActionOutcome,
  QueueStats,
  QueueSummary,
  RequeueOutcome,
  RetryOutcome,
} from './contracts/index.js'
export { DURATION_BUCKETS_MS } from './fleet-stats.js'
export type { DurationHistogram } from './fleet-stats.js'
export { cancelChannel, listenForCancels, requestCancel } from './cancel.js'
export { startWorker } from './worker/boot.js'
export { HAND_BACK_MS } from './worker/options.js'
export type { JobFinishedEvent, RunningWorker, WorkerOptions } from './worker/options.js'
export { createSandboxProcessor, sandboxProcessorUrl } from './worker/sandbox.js'
export type { SandboxJob, SandboxProcessor, SandboxProcessorOptions } from './worker/sandbox.js'
export {
  MAX_FAILURE_REASON_BYTES,
  STACK_TRACE_LIMIT,
  toFailureReason,
  toJobError,
} from './failure-reason.js'
export { listWorkers, registerWorker, workerKey, workersKey } from './records.js'
export type {
  WorkerRecord,
  WorkerRecordHandle,
  WorkerRecordOptions,
  WorkerState,
} from './records.js'
export { listSchedules, SCHEDULER_ID_PREFIX, schedulerIdOf, syncSchedules } from './schedules.js'
export type { ScheduleView } from './schedules.js'
export { JOBQ_VERSION } from './version.js'
export { nextRuns } from './cron.js'
export { isResultMarker, RESULT_INLINE_MAX_CHARS } from './big-result.js'
export type { StoredResultMarker } from './big-result.js'
export { PREVIEW_MAX_CHARS, previewOf, previewJobView } from './preview.js'
export type { CronSchedule } from './cron.js'
export { createLogger } from './logger.js'
export type { Logger, LoggerOptions } from './logger.js'
export {
  BackendUnavailableError,
  toBackendError,
  CANCELLED_REASON,
  ConfigError,
  JobConflictError,
  JobNotFoundError,
  JobqError,
  JobTimeoutError,
  JobValidationError,
  PermanentJobError,
  UnknownJobError,
  UnknownQueueError,
} from './errors.js'
export type { ValidationIssue } from './errors.js'
export { CALLER_PROBLEMS, problemOf } from './problem-of.js'
export type { ErrorProblem } from './problem-of.js'
/** The zod contracts of every operation's input and output (also `@jobq/queue-core/contracts`). */
export * as contracts from './contracts/index.js'
