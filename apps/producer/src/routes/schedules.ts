import { Hono } from 'hono'
import type { Producer } from '@jobq/queue-core'

/** GET /v1/schedules lists the job schedulers of every queue with their next run. */
export function scheduleRoutes(producer: Producer) {
  return new Hono().get('/', async (c) => c.json({ schedules: await producer.listSchedules() }))
}
