import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import {
  toBackendError,
  type BackendUnavailableError,
  JobConflictError,
  JobNotFoundError,
  JobValidationError,
  UnknownJobError,
  UnknownQueueError,
  type Logger,
} from '@jobq/queue-core'
import { problem } from './problem.js'

/** Thrown by routes for a request that is wrong in a way no schema describes. */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError'
  constructor(
    readonly status: 400 | 413 | 415,
    readonly kind: string,
    message: string,
  ) {
    super(message)
  }
}

/** The app's one error handler: every error becomes a problem+json; only 5xx are logged. */
export function handleError(logger: Logger) {
  return (err: Error, c: Context): Response => {
    if (err instanceof JobValidationError)
      return problem(c, 400, 'validation', err.message, err.issues)
    if (err instanceof BadRequestError) return problem(c, err.status, err.kind, err.message)
    if (err instanceof UnknownJobError) return problem(c, 404, 'unknown-job', err.message)
    if (err instanceof UnknownQueueError) return problem(c, 404, 'unknown-queue', err.message)
    if (err instanceof JobNotFoundError) return problem(c, 404, 'job-not-found', err.message)
    if (err instanceof JobConflictError) return problem(c, 409, 'job-conflict', err.message)
    const backend = toBackendError(err)
    if (backend) return backendProblem(c, backend)
    if (err instanceof HTTPException && err.status < 500) {
      return problem(c, err.status, 'http', err.message || 'request refused')
    }
    logger.error({ err, requestId: c.get('requestId'), path: c.req.path }, 'request failed')
    return problem(c, 500, 'internal', 'an unexpected error occurred; see the producer log')
  }
}

/**
 * Redis refused or is away: 503 with `Retry-After`, except a full Redis (maxmemory reached under
 * `noeviction`), which answers 507 Insufficient Storage: retrying alone will not help until jobs
 * are removed (retention, `empty`, `clean`) or Redis gets memory, and a distinct status lets an
 * alert tell "full" from "down". Both carry `Retry-After`; Redis ran none of the refused command.
 */
function backendProblem(c: Context, err: BackendUnavailableError): Response {
  c.header('Retry-After', String(err.retryAfterSeconds))
  return err.failure === 'out-of-memory'
    ? problem(c, 507, 'backend-out-of-memory', `${err.message}; retry once jobs are removed`)
    : problem(c, 503, 'backend-unavailable', `${err.message}; retry shortly`)
}
