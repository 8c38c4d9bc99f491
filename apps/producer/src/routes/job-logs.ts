import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import * as contracts from '@jobq/queue-core/contracts'
import type { Operations } from '@jobq/queue-core'
import { scope } from '../access/scopes.js'
import { mount } from '../openapi/mount.js'
import { commonErrors, jsonResponse, problemResponse } from '../openapi/responses.js'
import { validationHook } from '../openapi/validation-hook.js'

const jobLogs = createRoute({
  ...scope('read'),
  method: 'get',
  path: '/v1/jobs/{id}/logs',
  tags: ['jobs'],
  summary: "A page of a job's log: the lines its handler wrote with ctx.log, oldest first",
  description:
    'Each line carries its time, level, the attempt that wrote it, its message and the object ' +
    'logged with it (`fields`). A job keeps its newest 1,000 lines, each cut at 2 KiB; an ' +
    'attempt keeps its first 1,000 and says how many more it wrote. The lines go when the job ' +
    'goes (retention, clean, empty, cancel). To follow a running job, ask again from ' +
    '`offset` + the lines read until `state` is final: the lines read with a final state are all ' +
    'there are.',
  request: { params: contracts.JobIdParam, query: contracts.JobLogsQuery },
  responses: {
    200: jsonResponse('a page of the log', contracts.JobLogs),
    404: problemResponse('no such job'),
    ...commonErrors,
  },
})

type Valid = { req: { valid(target: 'query'): unknown } }

/** `GET /v1/jobs/{id}/logs` (`operations/job-logs.ts`). */
export function jobLogRoutes(producer: Operations): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  mount(app, jobLogs, async (c: Context) => {
    const { offset, limit } = (c as unknown as Valid).req.valid('query') as contracts.JobLogsQuery
    return c.json(await producer.jobs.logs(c.req.param('id') ?? '', { offset, limit }))
  })
  return app
}
