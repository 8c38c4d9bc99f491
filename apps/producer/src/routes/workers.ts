import { z } from 'zod'
import { Hono } from 'hono'
import type { Operations } from '@jobq/queue-core'
import { type ApiDocs, documented } from '../openapi/document.js'
import { commonErrors, jsonResponse } from '../openapi/schemas.js'

const WorkerRecord = z
  .object({
    id: z.string(),
    hostname: z.string(),
    pid: z.number().int(),
    queues: z.array(z.string()),
    state: z.enum(['starting', 'idle', 'busy', 'stopping']),
    currentJobs: z.array(z.string()),
    birth: z.iso.datetime(),
    lastHeartbeat: z.iso.datetime(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    workingMs: z.number(),
    version: z.string(),
    jobs: z.array(z.string()),
  })
  .meta({ id: 'Worker' })

const Schedule = z
  .object({
    id: z.string(),
    job: z.string(),
    queue: z.string(),
    pattern: z.string().nullable(),
    tz: z.string().nullable(),
    next: z.iso.datetime().nullable(),
    data: z.unknown(),
  })
  .meta({ id: 'Schedule' })

/** GET /v1/workers (live worker records) and GET /v1/schedules (job schedulers, next run). */
export function workerRoutes(docs: ApiDocs, producer: Operations): Hono {
  const app = new Hono()
  documented(
    app,
    docs,
    {
      method: 'get',
      path: '/v1/workers',
      tags: ['workers'],
      summary: 'Every live worker process: queues, state, current jobs, heartbeat, counts',
      responses: {
        200: jsonResponse('the workers', z.object({ workers: z.array(WorkerRecord) })),
        ...commonErrors,
      },
    },
    async (c) => c.json({ workers: await producer.fleet.workers() }),
  )
  documented(
    app,
    docs,
    {
      method: 'get',
      path: '/v1/schedules',
      tags: ['workers'],
      summary: 'The job schedules (cron) of every queue, soonest next run first',
      description:
        'A pattern runs in its `tz` (`UTC` never shifts). Daylight saving time: on a ' +
        'spring-forward day a time that does not exist runs an hour later (02:30 → 03:30); on ' +
        'a fall-back day a time that occurs twice runs once, at the first; a sub-hourly pattern ' +
        'runs through the repeated hour in real time.',
      responses: {
        200: jsonResponse('the schedules', z.object({ schedules: z.array(Schedule) })),
        ...commonErrors,
      },
    },
    async (c) => c.json({ schedules: await producer.fleet.schedules() }),
  )
  return app
}
