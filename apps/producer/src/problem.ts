import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ValidationIssue } from '@jobq/queue-core'

/** An RFC 9457 problem document, the body of every error jobq's API answers. */
export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  errors?: ValidationIssue[]
  requestId?: string
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/** Answers `status` with an `application/problem+json` body. `kind` names the problem type. */
export function problem(
  c: Context,
  status: ContentfulStatusCode,
  kind: string,
  detail: string,
  errors?: ValidationIssue[],
): Response {
  const body: Problem = {
    type: `/problems/${kind}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...(errors && { errors }),
    requestId: c.get('requestId'),
  }
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/problem+json' })
}
