import type { z } from '@hono/zod-openapi'
import * as contracts from '@jobq/queue-core/contracts'

/** The answers every route may give on a bad request, a missing token, or Redis away. */
export const commonErrors = {
  400: problemResponse('the request is invalid; `errors` names each issue'),
  401: problemResponse('missing or wrong bearer token (when JOBQ_API_TOKENS is set)'),
  403: problemResponse(
    'the token lacks the scope this route declares (`x-jobq-scope`): `/problems/missing-scope`; ' +
      'or it is limited to other queues: `/problems/queue-not-allowed`',
  ),
  413: problemResponse('the body is over the size limit (`JOBQ_BODY_LIMIT_BYTES`)'),
  503: problemResponse(
    'Redis is unreachable or refuses the command (read-only replica, loading, replica without ' +
      'its primary, busy script, credentials or ACL): `type` is `/problems/backend-unavailable`, ' +
      '`detail` names the cause; retry after `Retry-After` seconds',
  ),
  507: problemResponse(
    'Redis is full (maxmemory reached with `noeviction`) and refuses writes: ' +
      '`/problems/backend-out-of-memory`; reads still work. Retry after `Retry-After` seconds, ' +
      'once retention or `POST /v1/queues/{queue}/empty` has freed memory',
  ),
}

/** A JSON request body every route with a body takes: required, `application/json`. */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return {
    required: true,
    ...(description && { description }),
    content: { 'application/json': { schema } },
  }
}

/** An error answer: a problem+json body ({@link contracts.Problem}). */
export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: contracts.Problem } } }
}

/** A JSON answer of `schema`. */
export function jsonResponse<T extends z.ZodType>(
  description: string,
  schema: T,
  headers?: Record<string, { description: string; schema: { type: 'string' } }>,
) {
  return { description, content: { 'application/json': { schema } }, ...(headers && { headers }) }
}

/** The 404 of a route naming a queue: one problem type, `/problems/unknown-queue`, everywhere. */
export const unknownQueue = problemResponse('no such queue: `/problems/unknown-queue`')
