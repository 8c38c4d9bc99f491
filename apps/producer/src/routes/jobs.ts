import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import * as contracts from '@jobq/queue-core/contracts'
import type { Operations } from '@jobq/queue-core'
import { scope } from '../access/scopes.js'
import { mount } from '../openapi/mount.js'
import { commonErrors, jsonResponse, problemResponse } from '../openapi/responses.js'
import { validationHook } from '../openapi/validation-hook.js'
import { streamJobEvents } from './job-events.js'

const params = { params: contracts.JobIdParam }
const notFound = problemResponse('no such job')

const getJob = createRoute({
  method: 'get',
  path: '/v1/jobs/{id}',
  ...scope('read'),
  tags: ['jobs'],
  summary: 'One job, by the id enqueue returned, whatever its queue',
  description:
    "Takes every id jobq and BullMQ make: the UUIDs enqueue returns, a schedule's runs " +
    '(`repeat:<scheduler>:<millis>`), fan-out children (`<parent id>.c<n>`), numeric ids. ' +
    'An idempotency key (`options.jobId`) is not an id: use the id its enqueue answered.',
  request: params,
  responses: { 200: jsonResponse('the job', contracts.JobView), 404: notFound, ...commonErrors },
})

const jobEvents = createRoute({
  method: 'get',
  path: '/v1/jobs/{id}/events',
  ...scope('read'),
  tags: ['jobs'],
  summary: 'Server-sent events of one job: state, progress, retrying, completed, failed',
  description:
    'Starts with a `state` event (the job as it is), then `progress` events, a `retrying` ' +
    'event (`{ reason, attemptsMade }`) for each failed attempt that will be retried, and ends ' +
    'with `completed` (with the result) or `failed` (with the reason). A job already finished ' +
    'answers its `state` and its final event at once.',
  request: params,
  responses: {
    200: {
      description:
        'an event stream; events: `state` (the job), `progress`, `retrying`, `completed`, `failed`',
      content: { 'text/event-stream': { schema: z.string() } },
    },
    404: notFound,
    ...commonErrors,
  },
})

const cancelJob = createRoute({
  method: 'delete',
  path: '/v1/jobs/{id}',
  ...scope('admin'),
  tags: ['jobs'],
  summary: 'Cancel a job: remove it if it has not started, abort it where it runs if active',
  description:
    'A waiting or delayed job is removed (`removed`). An active job is aborted on whichever ' +
    'worker process holds it (`cancelling`) and ends failed with reason "cancelled", not ' +
    'retried. A finished job cannot be cancelled: 409.',
  request: params,
  responses: {
    200: jsonResponse('removed, or being cancelled', contracts.CancelOutcome),
    404: notFound,
    409: problemResponse(
      'the job has already finished, or it is the next run of a schedule (its schedule owns it)',
    ),
    ...commonErrors,
  },
})

const retryJob = createRoute({
  method: 'post',
  path: '/v1/jobs/{id}/retry',
  ...scope('admin'),
  tags: ['jobs'],
  summary: 'Retry a failed job: back to waiting, with a fresh set of attempts',
  description:
    'The job gets its full `attempts` again: `attemptsMade` and `attemptsStarted` go back ' +
    'to 0, while `history` keeps the earlier attempts (their `attempt` numbers go on).',
  request: params,
  responses: {
    200: jsonResponse('waiting again', contracts.RetryOutcome),
    404: notFound,
    409: problemResponse('the job has not failed'),
    ...commonErrors,
  },
})

/** One job by id: read, its events, cancel, retry. */
export function jobRoutes(producer: Operations): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  mount(app, getJob, async (c) => c.json(await producer.jobs.get(jobId(c))))
  mount(app, jobEvents, (c) => streamJobEvents(c, producer, jobId(c)))
  mount(app, cancelJob, async (c) => c.json(await producer.control.cancel(jobId(c))))
  mount(app, retryJob, async (c) => c.json(await producer.control.retry(jobId(c))))
  return app
}

/** The path's job id (the operation answers 400 `malformed-id` for what no job id can be). */
const jobId = (c: Context): string => c.req.param('id') ?? ''
