export { createClient } from './client.js'
export type { ClientOptions, JobqClient, WaitOptions } from './client.js'
export { JobFailedError, JobqApiError, JobWaitTimeoutError } from './errors.js'
export type { Problem } from './errors.js'
export type {
  BulkEnqueued,
  ClientJobEvent,
  EnqueuedHandle,
  EnqueueOptions,
  Job,
  JobInput,
  JobName,
  JobResult,
} from './types.js'
