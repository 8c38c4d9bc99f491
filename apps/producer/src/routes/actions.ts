import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import * as contracts from '@jobq/queue-core/contracts'
import type { Operations } from '@jobq/queue-core'
import type { Context } from 'hono'
import { auditNote } from '../access/audit.js'
import { scope } from '../access/scopes.js'
import { mount } from '../openapi/mount.js'
import { commonErrors, jsonBody, jsonResponse, problemResponse } from '../openapi/responses.js'
import { validationHook } from '../openapi/validation-hook.js'
import { problem } from '../problem.js'

const ACTION_DOC =
  'The jobs are those of `filter` (the filters of `GET /v1/jobs`: `name`, `queue`, `state`, ' +
  '`from`, `to`, `reason` and search fields of `name`; without a search field, one state of one ' +
  'queue is walked, and `state` is required unless the action implies it) or of `ids`, at most ' +
  '100,000. `?dryRun=true` answers how many match and moves nothing. Otherwise the answer is ' +
  '202 with an operation that runs on in the producer in chunks of 500: follow it with ' +
  '`GET /v1/operations/{id}`. Each job is moved by a step that checks its state atomically: one ' +
  'that moved on meanwhile (or is gone, or already taken by another operation) is counted in ' +
  '`skipped` and never acted on twice. An operation cut off by a producer stop or crash ends ' +
  '`interrupted` and is not resumed.'

const answers = {
  200: jsonResponse('dry run: how many jobs match', contracts.BulkDryRun),
  202: jsonResponse('the operation, started', contracts.BulkOperation),
  404: problemResponse('no such job name or queue'),
  ...commonErrors,
}

const jobActions = createRoute({
  ...scope('admin'),
  method: 'post',
  path: '/v1/jobs/actions/{action}',
  tags: ['jobs'],
  summary: 'Retry, cancel, remove, promote or redrive every job matching a filter',
  description: ACTION_DOC,
  request: {
    params: z.object({ action: contracts.BulkAction }),
    query: contracts.BulkActionQuery,
    body: jsonBody(contracts.BulkActionRequest),
  },
  responses: answers,
})

const redrive = createRoute({
  ...scope('admin'),
  method: 'post',
  path: '/v1/dead-letters/redrive',
  tags: ['dead letters'],
  summary: 'Redrive dead letters: back to waiting with fresh attempts, optionally new data',
  description:
    'The `redrive` action of `POST /v1/jobs/actions/{action}` (the state is failed). With ' +
    "`data`, every selected job runs with that payload, checked against the job's input schema " +
    'before any job moves (400, nothing changed, when it is invalid). Each dead letter is ' +
    'redriven once: two redrives racing over one job move it once. ' +
    ACTION_DOC,
  request: { query: contracts.BulkActionQuery, body: jsonBody(contracts.BulkActionRequest) },
  responses: answers,
})

const getOperation = createRoute({
  ...scope('read'),
  method: 'get',
  path: '/v1/operations/{id}',
  tags: ['jobs'],
  summary: 'A bulk operation and its progress (kept 24 h)',
  request: { params: contracts.OperationParams },
  responses: {
    200: jsonResponse('the operation', contracts.BulkOperation),
    404: problemResponse('no such operation (or older than 24 h)'),
    ...commonErrors,
  },
})

/** Bulk actions on a filter and their operations (`operations/bulk.ts`). */
export function actionRoutes(producer: Operations): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  const act = async (c: Context, action: string) => {
    const body: unknown = await c.req.json()
    // The audit entry names the filter; a dry run moves nothing, a start moves what it matched.
    auditNote(c, { target: { request: JSON.stringify(body) } })
    if (c.req.query('dryRun') === 'true') {
      auditNote(c, { affected: 0 })
      return c.json(await producer.bulk.dryRun(action, body))
    }
    const operation = await producer.bulk.start(action, body)
    auditNote(c, { target: { operation: operation.id }, affected: operation.matched })
    return c.json(operation, 202)
  }
  mount(app, jobActions, (c) => act(c, c.req.param('action') ?? ''))
  mount(app, redrive, (c) => act(c, 'redrive'))
  mount(app, getOperation, async (c) => {
    const id = c.req.param('id') ?? ''
    const operation = await producer.bulk.get(id)
    if (!operation) return problem(c, 404, 'operation-not-found', `no operation "${id}"`)
    return c.json(operation)
  })
  return app
}
