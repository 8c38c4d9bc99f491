import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import * as contracts from '@jobq/queue-core/contracts'
import type { Operations } from '@jobq/queue-core'
import { jsonBodyReader } from '../body.js'
import { scope } from '../access/scopes.js'
import { mount } from '../openapi/mount.js'
import {
  commonErrors,
  jsonBody,
  jsonResponse,
  problemResponse,
  unknownQueue,
} from '../openapi/responses.js'
import { validationHook } from '../openapi/validation-hook.js'

const tags = ['groups']
const FLOW = 'Flow control per key: see the README, "Flow control".'

/** GET /v1/queues/{queue}/groups */
const listGroups = createRoute({
  method: 'get',
  path: '/v1/queues/{queue}/groups',
  ...scope('read'),
  tags,
  summary: 'The keys of a queue’s grouped jobs that have work, busiest first',
  description: `Busiest: most jobs holding a slot plus held back. ${FLOW}`,
  request: { params: contracts.QueueParam, query: contracts.GroupListQuery },
  responses: {
    200: jsonResponse('a page of keys', contracts.GroupList),
    404: unknownQueue,
    ...commonErrors,
  },
})

const unknownJob = problemResponse('no such job: `/problems/unknown-job`')

/** PUT /v1/groups/{job}/{key} */
const setGroup = createRoute({
  method: 'put',
  path: '/v1/groups/{job}/{key}',
  ...scope('admin'),
  tags,
  summary: 'Set other limits for one key of a grouped job (e.g. a premium tenant)',
  description:
    'Fields left out keep the definition’s; `rate: null` lifts the rate limit of this key. ' +
    'A raised limit dispatches the key’s held-back jobs at once; a lowered one lets the jobs ' +
    `already running finish. The override lasts until DELETE. 400 for a job without a group. ${FLOW}`,
  request: {
    params: contracts.GroupParams,
    body: jsonBody(contracts.GroupLimitRequest),
  },
  responses: {
    200: jsonResponse('the key under its new limits', contracts.GroupView),
    404: unknownJob,
    415: problemResponse('the body is not application/json'),
    ...commonErrors,
  },
})

/** DELETE /v1/groups/{job}/{key} */
const resetGroup = createRoute({
  method: 'delete',
  path: '/v1/groups/{job}/{key}',
  ...scope('admin'),
  tags,
  summary: 'Drop a key’s override: its job definition’s limits apply again',
  request: { params: contracts.GroupParams },
  responses: {
    200: jsonResponse('the key under its job’s limits', contracts.GroupView),
    404: unknownJob,
    ...commonErrors,
  },
})

type Valid = { req: { valid(target: 'json' | 'query' | 'param'): unknown } }
const valid = <T>(c: Context, target: 'json' | 'query' | 'param') =>
  (c as unknown as Valid).req.valid(target) as T
type Params = z.output<typeof contracts.GroupParams>

/** The flow-control routes: list a queue's keys, set and reset one key's limits. */
export function groupRoutes(producer: Operations): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  const { groups } = producer
  mount(app, listGroups, async (c) => {
    const query = valid<z.output<typeof contracts.GroupListQuery>>(c, 'query')
    return c.json(await groups.list(c.req.param('queue') ?? '', query))
  })
  mount(app, { ...setGroup, middleware: [jsonBodyReader()] }, async (c) => {
    const { job, key } = valid<Params>(c, 'param')
    return c.json(await groups.setLimits(job, key, valid(c, 'json')))
  })
  mount(app, resetGroup, async (c) => {
    const { job, key } = valid<Params>(c, 'param')
    return c.json(await groups.resetLimits(job, key))
  })
  return app
}
