import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { requestHeader, setResponseHeader } from './node-http.js'

/** A caller's own id is kept when it is this safe: short, no spaces or quotes to log. */
const CALLER_ID = /^[\w\-=]{1,255}$/

/**
 * Names every request: the caller's `X-Request-Id` when it is safe to echo, else a new UUID. It
 * is answered in `X-Request-Id`, quoted in problem bodies and in the error log. hono's
 * `requestId()` does the same through `Headers` objects, which cost more than the enqueue itself.
 */
export function requestId(): MiddlewareHandler {
  return async (c, next) => {
    const id = requestIdOf(requestHeader(c, 'x-request-id'))
    c.set('requestId', id)
    setResponseHeader(c, 'X-Request-Id', id)
    await next()
  }
}

/** The id of a request whose `X-Request-Id` header is `given`. */
export const requestIdOf = (given: string | undefined): string =>
  given !== undefined && CALLER_ID.test(given) ? given : randomUUID()

declare module 'hono' {
  interface ContextVariableMap {
    requestId: string
  }
}
