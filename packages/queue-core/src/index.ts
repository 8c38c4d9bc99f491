export { baseEnvShape, intEnv, listEnv, parseEnv } from './config.js'
export { createRedis, waitForReady } from './connection.js'
export type { Redis, RedisRole, RedisConnectionOptions } from './connection.js'
export { defineJob, defineQueue, JOB_NAME_PATTERN, QUEUE_NAME_PATTERN } from './define-job.js'
export type {
  AnyJobDefinition,
  HandlerContext,
  HandlerOf,
  InputOf,
  JobDefaults,
  JobDefinition,
  OutputOf,
  QueueDefinition,
} from './define-job.js'
export { createRegistry } from './registry.js'
export type { AnyRegistry, JobsByName, Registry } from './registry.js'
export {
  enqueueOptionsSchema,
  isValidJobId,
  JOB_ID_PATTERN,
  MAX_PRIORITY,
} from './enqueue-options.js'
export type { EnqueueOptions } from './enqueue-options.js'
export { JOB_STATES, toPublicState } from './job-state.js'
export type { JobState } from './job-state.js'
export type { JobView } from './job-view.js'
export { RETENTION } from './job-options.js'
export { createProducer } from './producer.js'
export type {
  BulkItem,
  EnqueuedJob,
  JobWatch,
  ListJobsOptions,
  Producer,
  ProducerOptions,
} from './producer.js'
export type { JobEvent } from './job-events.js'
export type { QueueSummary } from './queue-admin.js'
export { cancelChannel, requestCancel } from './cancel.js'
export { startWorker } from './worker.js'
export type { RunningWorker, WorkerOptions } from './worker.js'
export { createLogger } from './logger.js'
export type { Logger, LoggerOptions } from './logger.js'
export {
  BackendUnavailableError,
  ConfigError,
  JobNotFoundError,
  JobqError,
  JobTimeoutError,
  JobValidationError,
  PermanentJobError,
  UnknownJobError,
  UnknownQueueError,
} from './errors.js'
export type { ValidationIssue } from './errors.js'
