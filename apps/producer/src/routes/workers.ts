import { Hono } from 'hono'
import type { Producer } from '@jobq/queue-core'

/** GET /v1/workers lists the live worker records (dead workers' records have expired). */
export function workerRoutes(producer: Producer) {
  return new Hono().get('/', async (c) => c.json({ workers: await producer.listWorkers() }))
}
