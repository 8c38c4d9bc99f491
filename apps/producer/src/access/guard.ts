import type { Context, MiddlewareHandler } from 'hono'
import { problem } from '../problem.js'
import type { ApiToken, Scope } from './scopes.js'
import { EVERY_QUEUE, type QueueLookup, type Target } from './target.js'

/** Why a token may not make a request: the problem's type and detail. */
export interface Refusal {
  type: 'missing-scope' | 'queue-not-allowed'
  detail: string
}

/**
 * Whether `token` may act with `scope` on `queue` (a queue name, {@link EVERY_QUEUE}, or
 * `undefined` for a request that names nothing that exists, which its route answers itself).
 * The one rule, for the routes' guards and the enqueue's fast lane alike.
 */
export function refusalOf(
  token: ApiToken,
  scope: Scope,
  queue: string | typeof EVERY_QUEUE | undefined,
): Refusal | undefined {
  if (!token.scopes.has(scope)) {
    return { type: 'missing-scope', detail: `this token (${token.name}) lacks the ${scope} scope` }
  }
  if (!token.queues || queue === undefined || token.queues.has(queue as string)) return undefined
  const allowed = [...token.queues].join(', ')
  return {
    type: 'queue-not-allowed',
    detail:
      queue === EVERY_QUEUE
        ? `this token (${token.name}) is limited to the queues ${allowed}: this route spans every queue`
        : `this token (${token.name}) may not use the queue ${queue} (only ${allowed})`,
  }
}

/**
 * A route's guard: a request whose token lacks `scope`, or is limited to other queues than the
 * route's target, is answered 403 problem+json; the API open (no token configured) lets all in.
 * The target is looked up only for a queue-limited token (a job id costs one read).
 */
export function guard(scope: Scope, target: Target): MiddlewareHandler {
  return async (c, next) => {
    const token = c.get('apiToken')
    if (token) {
      const queue = token.queues ? await target(c, c.get('queueLookup')) : undefined
      const refusal = refusalOf(token, scope, queue)
      if (refusal) return forbidden(c, refusal)
    }
    await next()
  }
}

/** The 403 of a refusal. */
const forbidden = (c: Context, { type, detail }: Refusal) => problem(c, 403, type, detail)

/** Makes `lookup` the request's `queueLookup`, for the guards (set once, on every request). */
export function queueLookup(lookup: QueueLookup): MiddlewareHandler {
  return async (c, next) => {
    c.set('queueLookup', lookup)
    return next()
  }
}

declare module 'hono' {
  interface ContextVariableMap {
    queueLookup: QueueLookup
  }
}
