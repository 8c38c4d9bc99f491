export { baseEnvShape, intEnv, listEnv, optionalIntEnv, parseEnv, redisTlsOf } from './config.js'
export { parseWholeNumber } from './contracts/integers.js'
export { redisTargetOf } from './redis-target.js'
export type { HostPort, RedisEnv, RedisTarget } from './redis-target.js'
export { createRedis, waitForReady } from './connection.js'
export type { Redis, RedisConnectionOptions, RedisRole, RedisTlsOptions } from './connection.js'
export { defineJob, defineQueue } from './define-job.js'
export type {
  AnyJobDefinition,
  ChildJob,
  ChildOutcome,
  HandlerContext,
  HandlerOf,
  InputOf,
  InputOfVersion,
  JobDefaults,
  JobDefinition,
  JobGroup,
  JobSchedule,
  OutputOf,
  QueueDefinition,
} from './define-job.js'
export { createRegistry } from './registry.js'
export { olderVersion } from './versions.js'
export type { OlderVersion, OlderVersions } from './versions.js'
export {
  formatRegistryLock,
  parseRegistryLock,
  registryLockOf,
  type RegistryLock,
} from './versions/registry-lock.js'
export { checkRegistryLock, type LockBreak } from './versions/registry-check.js'
export type { AnyRegistry, JobsByName, Registry } from './registry.js'
export type { EnqueueOptions } from './enqueue-options.js'
export { JOB_STATES } from './job-state.js'
export type { JobState } from './job-state.js'
export type { JobView } from './job-view.js'
export type { AttemptEntry } from './attempt-history.js'
export { boundedTarget } from './operations/audit.js'
export { createOperations } from './operations/index.js'
export { idempotencyEnvShape, idempotencyKeyOf } from './operations/idempotency.js'
export type {
  BulkItem,
  JobWatch,
  ListGroupsOptions,
  ListJobsOptions,
  Operations,
  OperationsOptions,
  ParsedItem,
  WatchEvent,
} from './operations/index.js'
export type {
  BulkEnqueued,
  BulkOperation,
  CancelOutcome,
  CleanOutcome,
  EnqueuedJob,
  GroupView,
  EnqueueOutcome,
  QueueActionOutcome,
  QueueStats,
  QueueSummary,
  RequeueOutcome,
  RetryOutcome,
} from './contracts/index.js'
export type { DurationHistogram } from './fleet-stats.js'
export { startWorker } from './worker/boot.js'
export type { JobFinishedEvent, RunningWorker, WorkerOptions } from './worker/options.js'
export { MAX_FAILURE_REASON_BYTES, STACK_TRACE_LIMIT } from './failure-reason.js'
export type { WorkerRecord, WorkerState } from './records.js'
export type { ScheduleView } from './schedules.js'
export { nextRuns } from './cron.js'
export { createLogger } from './logger.js'
export { startTracing } from './tracing/index.js'
export { tracingEnvShape } from './tracing/env.js'
export type { Logger } from './logger.js'
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
export type { SandboxJob, SandboxProcessor, SandboxProcessorOptions } from './worker/sandbox.js'
