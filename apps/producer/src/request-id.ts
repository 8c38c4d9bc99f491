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
    const given = requestHeader(c, 'x-request-id')
    const id = given !== undefined && CALLER_ID.test(given) ? given : randomUUID()
    c.set('requestId', id)
    setResponseHeader(c, 'X-Request-Id', id)
    await next()
  }
}

declare module 'hono' {
  interface ContextVariableMap {
    requestId: string
  }
}
