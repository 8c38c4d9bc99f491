import { z } from 'zod'
import { Hono } from 'hono'
import { JOB_STATES, type Operations } from '@jobq/queue-core'
import { type ApiDocs, documented } from '../openapi/document.js'
import {
  commonErrors,
  JobView,
  jsonResponse,
  problemResponse,
  QueueParam,
  QueueSummary,
} from '../openapi/schemas.js'
import { parseOrThrow } from '../validate.js'

/** A whole number written in plain decimal digits: `Number()` alone would take `0x10` or `1e3`. */
const decimal = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,10}$/, 'must be a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback)

const ListQuery = z.strictObject({
  state: z.enum(JOB_STATES).default('waiting'),
  limit: decimal(1, 1_000, 50),
  offset: decimal(0, 10_000_000, 0),
})

/** The admin actions on one queue: what they do and what they answer. */
const ACTIONS = {
  pause: 'Pause: workers stop taking its jobs (active ones finish)',
  resume: 'Resume a paused queue',
  retry: 'Move every failed job back to waiting, each with a fresh set of attempts',
  empty: 'Remove every waiting and delayed job (active ones run on)',
} as const

/** GET /v1/queues, a queue's jobs by state, and the admin actions. */
export function queueRoutes(docs: ApiDocs, producer: Operations): Hono {
  const app = new Hono()

  documented(
    app,
    docs,
    {
      method: 'get',
      path: '/v1/queues',
      tags: ['queues'],
      summary: 'Every queue: counts per state, paused, backlog',
      responses: {
        200: jsonResponse('the queues', z.object({ queues: z.array(QueueSummary) })),
        ...commonErrors,
      },
    },
    async (c) => c.json({ queues: await producer.queues.summaries() }),
  )

  documented(
    app,
    docs,
    {
      method: 'get',
      path: '/v1/queues/{queue}/jobs',
      tags: ['queues'],
      summary: 'A queue’s jobs in one state, newest first (state=active: what runs now)',
      description:
        'Lists carry previews, never whole payloads: a `data` or `result` whose JSON is longer ' +
        'than 1,024 characters is answered as a string of its first 1,024 characters followed by ' +
        '`… [jobq preview: 1024 of N characters; GET /v1/jobs/<id> for the whole job]`. ' +
        '`GET /v1/jobs/{id}` answers the whole job.',
      request: { params: QueueParam, query: ListQuery },
      responses: {
        200: jsonResponse(
          'a page of jobs',
          z.object({ queue: z.string(), state: z.enum(JOB_STATES), jobs: z.array(JobView) }),
        ),
        404: problemResponse('no such queue'),
        ...commonErrors,
      },
    },
    async (c) => {
      const query = parseOrThrow(ListQuery, c.req.query(), 'query')
      const queue = c.req.param('queue') ?? ''
      const jobs = await producer.jobs.list(queue, query)
      return c.json({ queue, state: query.state, jobs })
    },
  )

  for (const [action, summary] of Object.entries(ACTIONS)) {
    documented(
      app,
      docs,
      {
        method: 'post',
        path: `/v1/queues/{queue}/${action}`,
        tags: ['queues'],
        summary,
        request: { params: QueueParam },
        responses: {
          200: jsonResponse(
            'done; the queue as it is now',
            z.object({ queue: QueueSummary, affected: z.number().int().optional() }),
          ),
          404: problemResponse('no such queue'),
          ...commonErrors,
        },
      },
      async (c) => {
        const name = c.req.param('queue') ?? ''
        const affected = await runAction(producer, action as keyof typeof ACTIONS, name)
        const queue = (await producer.queues.summaries()).find((q) => q.name === name)
        return c.json({ queue, ...(affected !== undefined && { affected }) })
      },
    )
  }

  return app
}

async function runAction(producer: Operations, action: keyof typeof ACTIONS, queue: string) {
  switch (action) {
    case 'pause':
      return producer.queues.pause(queue)
    case 'resume':
      return producer.queues.resume(queue)
    case 'retry':
      return (await producer.control.requeue(queue)).requeued
    case 'empty':
      return producer.queues.empty(queue)
  }
}
