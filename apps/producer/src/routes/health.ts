import { Hono } from 'hono'
import type { Producer } from '@jobq/queue-core'

/** Liveness (the process answers) and readiness (Redis answers too); both stay unauthenticated. */
export function healthRoutes(producer: Producer) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) =>
      (await producer.ping())
        ? c.json({ status: 'ready' })
        : c.json({ status: 'unavailable', detail: 'redis does not answer' }, 503),
    )
}
