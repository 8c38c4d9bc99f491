import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import * as contracts from '@jobq/queue-core/contracts'
import type { Operations } from '@jobq/queue-core'
import { scope } from '../access/scopes.js'
import { mount } from '../openapi/mount.js'
import { commonErrors, jsonResponse, problemResponse } from '../openapi/responses.js'
import { validationHook } from '../openapi/validation-hook.js'

const searchJobs = createRoute({
  method: 'get',
  path: '/v1/jobs',
  ...scope('read'),
  tags: ['jobs'],
  summary: "Search a job's jobs by its declared search fields, newest first",
  description:
    'Every query key besides the ones below names a search field the job declares ' +
    '(`search` on its definition, e.g. `?name=demo.order&customerId=c42&region=eu`); at ' +
    'least one is required, values match exactly after trimming and lower-casing. `state`, ' +
    '`reason` (a case-insensitive substring of the failure reason) and `from`/`to` (enqueue ' +
    'time) filter the matches. A page examines at most 5,000 index entries: with a selective ' +
    '`state` or `reason` it may hold fewer than `limit` jobs and still answer a `nextCursor`; ' +
    'follow it until it is null. Jobs are previews, as the lists answer them.',
  request: { query: contracts.SearchQuery },
  responses: {
    200: jsonResponse('a page of matching jobs', contracts.SearchPage),
    404: problemResponse('no such job name, or no such queue'),
    ...commonErrors,
  },
})

/** `GET /v1/jobs`: search by declared fields (`operations/search.ts`). */
export function searchRoutes(producer: Operations): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  mount(app, searchJobs, async (c) => {
    // Every key, the field filters too (the route's schema names only the fixed ones); a key
    // given twice stays a list, which the search refuses.
    const query = Object.fromEntries(
      Object.entries(c.req.queries()).map(([k, v]) => [k, v.length === 1 ? v[0] : v]),
    )
    return c.json(await producer.jobs.search(query))
  })
  return app
}
