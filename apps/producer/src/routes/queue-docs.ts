import { createRoute, type z } from '@hono/zod-openapi'
import * as contracts from '@jobq/queue-core/contracts'
import { scope } from '../access/scopes.js'
import { commonErrors, jsonResponse, problemResponse, unknownQueue } from '../openapi/responses.js'

const tags = ['queues']
const params = { params: contracts.QueueParam }

/** GET /v1/queues */
export const listQueues = createRoute({
  method: 'get',
  path: '/v1/queues',
  ...scope('read'),
  tags,
  summary: 'Every queue: counts per state, paused, backlog',
  responses: { 200: jsonResponse('the queues', contracts.QueueList), ...commonErrors },
})

/** GET /v1/queues/{queue} */
export const getQueue = createRoute({
  method: 'get',
  path: '/v1/queues/{queue}',
  ...scope('read'),
  tags,
  summary: 'One queue: counts per state, paused, backlog, workers',
  request: params,
  responses: {
    200: jsonResponse('the queue', contracts.QueueSummary),
    404: unknownQueue,
    ...commonErrors,
  },
})

/** GET /v1/queues/{queue}/jobs */
export const listJobs = createRoute({
  method: 'get',
  path: '/v1/queues/{queue}/jobs',
  ...scope('read'),
  tags,
  summary: 'A queue’s jobs in one state, newest first (state=active: what runs now)',
  description:
    'Lists carry previews, never whole payloads: a `data` or `result` whose JSON is longer ' +
    'than 1,024 characters is answered as a string of its first 1,024 characters followed by ' +
    '`… [jobq preview: 1024 of N characters; GET /v1/jobs/<id> for the whole job]`. ' +
    '`GET /v1/jobs/{id}` answers the whole job.',
  request: { ...params, query: contracts.ListJobsQuery },
  responses: {
    200: jsonResponse('a page of jobs', contracts.JobList),
    404: unknownQueue,
    ...commonErrors,
  },
})

/** POST /v1/queues/pause and /resume: every queue at once (`jobq suspend` / `jobq resume`). */
export const everyQueueAction = (action: 'pause' | 'resume') =>
  createRoute({
    method: 'post',
    path: `/v1/queues/${action}`,
    ...scope('admin'),
    tags,
    summary:
      action === 'pause'
        ? 'Pause every queue: workers stop taking jobs (active ones finish)'
        : 'Resume every queue',
    responses: {
      200: jsonResponse('done; every queue as it is now', contracts.QueueList),
      ...commonErrors,
    },
  })

/** The body-less admin actions on one queue. */
const ACTIONS = {
  pause: 'Pause: workers stop taking its jobs (active ones finish)',
  resume: 'Resume a paused queue',
  empty: 'Remove every waiting and delayed job (active ones run on)',
} as const

/** POST /v1/queues/{queue}/pause, /resume, /empty */
export const queueAction = (action: keyof typeof ACTIONS) =>
  createRoute({
    method: 'post',
    path: `/v1/queues/{queue}/${action}`,
    ...scope('admin'),
    tags,
    summary: ACTIONS[action],
    request: params,
    responses: {
      200: jsonResponse('done; the queue as it is now', contracts.QueueActionOutcome),
      404: unknownQueue,
      ...commonErrors,
    },
  })

/** POST /v1/queues/{queue}/retry (`jobq requeue`) */
export const requeue = createRoute({
  method: 'post',
  path: '/v1/queues/{queue}/retry',
  ...scope('admin'),
  tags,
  summary: 'Move failed jobs back to waiting, each with a fresh set of attempts',
  description:
    'Without a body (or without `ids`): every failed job of the queue. With `ids`: only those, ' +
    'and only if each is a failed job of this queue; otherwise none is requeued (404 for an id ' +
    'that is no job of this queue, 409 for a job that has not failed).',
  request: {
    ...params,
    body: {
      required: false,
      content: { 'application/json': { schema: contracts.RequeueRequest } },
    },
  },
  responses: {
    200: jsonResponse('done; `affected` jobs requeued', contracts.RequeueOutcome),
    404: problemResponse('no such queue (`unknown-queue`), or an id that is no job of it'),
    409: problemResponse('one of `ids` has not failed; nothing was requeued'),
    415: problemResponse('the body is not application/json'),
    ...commonErrors,
  },
})

/** POST /v1/queues/{queue}/clean (`jobq clean`) */
export const clean = createRoute({
  method: 'post',
  path: '/v1/queues/{queue}/clean',
  ...scope('admin'),
  tags,
  summary: 'Remove the jobs in one state older than a duration',
  request: {
    ...params,
    body: { required: true, content: { 'application/json': { schema: contracts.CleanRequest } } },
  },
  responses: {
    200: jsonResponse('done; `affected` jobs removed', contracts.CleanOutcome),
    404: unknownQueue,
    415: problemResponse('the body is not application/json'),
    ...commonErrors,
  },
})

export type RequeueBody = z.output<typeof contracts.RequeueRequest>
