import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type * as contracts from '@jobq/queue-core/contracts'
import type { ValidationIssue } from '@jobq/queue-core'

/** An RFC 9457 problem document, the body of every error jobq's API answers (the contract). */
type Problem = contracts.Problem

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
}

/** Longest text a problem repeats from a request (a name, a key, an id); the rest is cut. */
const MAX_TEXT = 200
/** Most validation issues one problem lists. */
const MAX_ISSUES = 50

/**
 * Messages often quote what the caller sent (an unknown job name or key). Quoting a 1 MB name
 * back would echo hostile input at full size, so each text is cut at {@link MAX_TEXT}.
 */
function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT)}… (${text.length} characters)`
}

/** Answers `status` with an `application/problem+json` body. `kind` names the problem type. */
export function problem(
  c: Context,
  status: ContentfulStatusCode,
  kind: string,
  detail: string,
  errors?: ValidationIssue[],
): Response {
  const body = problemJson(status, kind, detail, c.get('requestId'), errors)
  return c.body(body, status, { 'content-type': PROBLEM_TYPE })
}

/** The media type of every problem answer. */
export const PROBLEM_TYPE = 'application/problem+json'

/** The JSON text of a problem answer (for {@link problem}, and the enqueue's fast lane). */
export function problemJson(
  status: ContentfulStatusCode,
  kind: string,
  detail: string,
  requestId: string,
  errors?: ValidationIssue[],
): string {
  const body: Problem = {
    type: `/problems/${kind}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail: clip(detail),
    ...(errors && {
      errors: errors
        .slice(0, MAX_ISSUES)
        .map((issue) => ({ path: clip(issue.path), message: clip(issue.message) })),
    }),
    requestId,
  }
  return JSON.stringify(body)
}
