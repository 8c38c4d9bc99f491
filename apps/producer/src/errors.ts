import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { problemOf, type Logger } from '@jobq/queue-core'
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

/**
 * The app's one error handler: every error becomes a problem+json; only 5xx are logged. jobq's
 * own errors take the status, type and words of `problemOf`, the table the CLI answers from too;
 * Redis refusing or away (503, or 507 when it is full) carries `Retry-After`.
 */
export function handleError(logger: Logger) {
  return (err: Error, c: Context): Response => {
    if (err instanceof BadRequestError) return problem(c, err.status, err.kind, err.message)
    const known = problemOf(err)
    if (known) {
      if (known.retryAfterSeconds !== undefined) {
        c.header('Retry-After', String(known.retryAfterSeconds))
      }
      return problem(c, known.status, known.type, known.detail, known.issues)
    }
    if (err instanceof HTTPException && err.status < 500) {
      return problem(c, err.status, 'http', err.message || 'request refused')
    }
    logger.error({ err, requestId: c.get('requestId'), path: c.req.path }, 'request failed')
    return problem(c, 500, 'internal', 'an unexpected error occurred; see the producer log')
  }
}
