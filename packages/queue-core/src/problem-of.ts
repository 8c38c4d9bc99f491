import {
  JobConflictError,
  JobNotFoundError,
  JobValidationError,
  MalformedJobIdError,
  NoWorkerForVersionError,
  toBackendError,
  UnknownJobError,
  UnknownQueueError,
  type ValidationIssue,
} from './errors.js'

/**
 * What went wrong, in the terms every adapter answers with: the HTTP API as a problem+json
 * (`status`, `type`), the CLI as a message and an exit code. One table, so both say the same.
 */
export interface ErrorProblem {
  status: 400 | 404 | 409 | 503 | 507
  /** The problem type: the last segment of the problem+json `type`. */
  type:
    | 'validation'
    | 'unknown-job'
    | 'unknown-queue'
    | 'job-not-found'
    | 'malformed-id'
    | 'job-conflict'
    | 'no-worker'
    | 'backend-unavailable'
    | 'backend-out-of-memory'
  detail: string
  /** Every invalid field, for `validation`. */
  issues?: ValidationIssue[]
  /** Seconds to wait before retrying, for the backend problems. */
  retryAfterSeconds?: number
}

/** The problem an error of jobq's stands for, or `undefined` for any other error (a bug). */
export function problemOf(err: unknown): ErrorProblem | undefined {
  if (err instanceof JobValidationError) {
    return { status: 400, type: 'validation', detail: err.message, issues: err.issues }
  }
  if (err instanceof UnknownJobError)
    return { status: 404, type: 'unknown-job', detail: err.message }
  if (err instanceof UnknownQueueError) {
    return { status: 404, type: 'unknown-queue', detail: err.message }
  }
  if (err instanceof MalformedJobIdError) {
    return { status: 400, type: 'malformed-id', detail: err.message }
  }
  if (err instanceof JobNotFoundError) {
    return { status: 404, type: 'job-not-found', detail: err.message }
  }
  if (err instanceof JobConflictError)
    return { status: 409, type: 'job-conflict', detail: err.message }
  if (err instanceof NoWorkerForVersionError)
    return { status: 409, type: 'no-worker', detail: `${err.message}; nothing was enqueued` }
  const backend = toBackendError(err)
  if (!backend) return undefined
  // A full Redis is 507: retrying alone will not help until jobs are removed or Redis gets memory.
  const full = backend.failure === 'out-of-memory'
  return {
    status: full ? 507 : 503,
    type: full ? 'backend-out-of-memory' : 'backend-unavailable',
    detail: full
      ? `${backend.message}; retry once jobs are removed`
      : `${backend.message}; retry shortly`,
    retryAfterSeconds: backend.retryAfterSeconds,
  }
}

/**
 * Problems of the caller's own making, which the CLI reports as usage errors (exit code 2):
 * invalid input, what no job id can be, or a job or queue name the registry does not know.
 */
export const CALLER_PROBLEMS: ReadonlySet<ErrorProblem['type']> = new Set([
  'validation',
  'malformed-id',
  'unknown-job',
  'unknown-queue',
])
