import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { problemOf, type Logger, type ValidationIssue } from '@jobq/queue-core'
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

/** How one error is answered: a problem's status, type, words and `Retry-After`. */
export interface ProblemAnswer {
  status: ContentfulStatusCode
  /** The problem type: the last segment of the problem+json `type`. */
  type: string
  detail: string
  issues?: ValidationIssue[]
  /** Redis refusing or away (503, or 507 when it is full). */
  retryAfterSeconds?: number
}

/**
 * The problem an error answers, or `undefined` for an unexpected one (a 500, logged). jobq's own
 * errors take the status, type and words of `problemOf`, the table the CLI answers from too.
 */
export function problemAnswerOf(err: Error): ProblemAnswer | undefined {
  if (err instanceof BadRequestError) {
    return { status: err.status, type: err.kind, detail: err.message }
  }
  const known = problemOf(err)
  if (known) return known
  if (err instanceof HTTPException && err.status < 500) {
    return { status: err.status, type: 'http', detail: err.message || 'request refused' }
  }
  return undefined
}

/** The answer of an unexpected error; the producer log has the rest. */
export const INTERNAL: ProblemAnswer = {
  status: 500,
  type: 'internal',
  detail: 'an unexpected error occurred; see the producer log',
}

/** The app's one error handler: every error becomes a problem+json; only 5xx are logged. */
export function handleError(logger: Logger) {
  return (err: Error, c: Context): Response => {
    let answer = problemAnswerOf(err)
    if (!answer) {
      logger.error({ err, requestId: c.get('requestId'), path: c.req.path }, 'request failed')
      answer = INTERNAL
    }
    if (answer.retryAfterSeconds !== undefined) {
      c.header('Retry-After', String(answer.retryAfterSeconds))
    }
    return problem(c, answer.status, answer.type, answer.detail, answer.issues)
  }
}
