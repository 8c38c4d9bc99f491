import { Hono } from 'hono'
import type { Operations } from '@jobq/queue-core'

/**
 * Liveness (the process answers) and readiness (Redis takes writes: a short-lived key is
 * written, see `Producer.probeWrite`); both stay unauthenticated. A Redis that answers but refuses
 * writes (full, read-only, loading, busy, credentials) makes the producer not ready, so a load
 * balancer stops sending it enqueues it could not take.
 */
export function healthRoutes(producer: Operations) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const refused = await producer.backend.probeWrite()
      if (!refused) return c.json({ status: 'ready' })
      c.header('Retry-After', String(refused.retryAfterSeconds))
      return c.json(
        { status: 'unavailable', reason: refused.failure, detail: refused.message },
        503,
      )
    })
}
