import { Hono } from 'hono'
import { z } from 'zod'
import { JOB_STATES, JobValidationError, type Producer } from '@jobq/queue-core'

const listQuery = z.strictObject({
  state: z.enum(JOB_STATES).default('waiting'),
  limit: z.coerce.number().int().min(1).max(1_000).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
})

/** GET /v1/queues/:queue/jobs?state=&limit=&offset= lists one queue's jobs in one state. */
export function queueRoutes(producer: Producer) {
  return new Hono().get('/:queue/jobs', async (c) => {
    const query = listQuery.safeParse(c.req.query())
    if (!query.success) {
      throw new JobValidationError(
        'invalid query',
        query.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
      )
    }
    const jobs = await producer.listJobs(c.req.param('queue'), query.data)
    return c.json({ queue: c.req.param('queue'), state: query.data.state, jobs })
  })
}
