import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import * as contracts from '@jobq/queue-core/contracts'
import { type Operations } from '@jobq/queue-core'
import { scope } from '../access/scopes.js'
import { mount } from '../openapi/mount.js'
import { commonErrors, jsonResponse } from '../openapi/responses.js'

const listWorkers = createRoute({
  method: 'get',
  path: '/v1/workers',
  ...scope('read'),
  tags: ['workers'],
  summary: 'Every live worker process: queues, state, current jobs, heartbeat, counts',
  responses: { 200: jsonResponse('the workers', contracts.WorkerList), ...commonErrors },
})

const listSchedules = createRoute({
  method: 'get',
  path: '/v1/schedules',
  ...scope('read'),
  tags: ['workers'],
  summary: 'The job schedules (cron) of every queue, soonest next run first',
  description:
    'A pattern runs in its `tz` (`UTC` never shifts). Daylight saving time: on a ' +
    'spring-forward day a time that does not exist runs an hour later (02:30 → 03:30); on ' +
    'a fall-back day a time that occurs twice runs once, at the first; a sub-hourly pattern ' +
    'runs through the repeated hour in real time. Each schedule shows its policies: ' +
    "`missed` (what runs after ticks passed unserved: 'skip', 'once' (default) or " +
    '`{ catchUp: n }`, the most recent n ticks) and `overlap` (a tick while the previous run is ' +
    "active: 'allow' (default), 'skip' or 'queue'), its last run started and the ticks skipped.",
  responses: { 200: jsonResponse('the schedules', contracts.ScheduleList), ...commonErrors },
})

/** GET /v1/workers (live worker records) and GET /v1/schedules (job schedulers, next run). */
export function workerRoutes(producer: Operations): OpenAPIHono {
  const app = new OpenAPIHono()
  mount(app, listWorkers, async (c) => c.json({ workers: await producer.fleet.workers() }))
  mount(app, listSchedules, async (c) => c.json({ schedules: await producer.fleet.schedules() }))
  return app
}
