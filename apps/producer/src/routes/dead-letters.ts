import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import * as contracts from '@jobq/queue-core/contracts'
import type { Operations } from '@jobq/queue-core'
import { scope } from '../access/scopes.js'
import { mount } from '../openapi/mount.js'
import { commonErrors, jsonResponse, problemResponse } from '../openapi/responses.js'
import { validationHook } from '../openapi/validation-hook.js'

const listDeadLetters = createRoute({
  ...scope('read'),
  method: 'get',
  path: '/v1/dead-letters',
  tags: ['dead letters'],
  summary: 'Dead letters (failed jobs: attempts spent, or failed permanently), newest first',
  description:
    'The filters of `GET /v1/jobs` with the state fixed to failed. With a search field of `name` ' +
    "(e.g. `?name=demo.order&customerId=c42`) it is that search; without one, the queue's " +
    'failed set (`queue`, or the queue of `name`) is walked newest failure first, filtered by ' +
    '`name`, `reason` (case-insensitive substring) and `from`/`to` (enqueue time), at most ' +
    '5,000 entries a page: follow `nextCursor` until it is null. Dead letters are kept 30 ' +
    'days, at most 50,000 per queue (README "Dead letters"); `POST /v1/dead-letters/redrive` ' +
    'moves them back.',
  request: { query: contracts.DeadLetterQuery },
  responses: {
    200: jsonResponse('a page of dead letters', contracts.SearchPage),
    404: problemResponse('no such job name or queue'),
    ...commonErrors,
  },
})

/** `GET /v1/dead-letters` (`operations/dead-letters.ts`). */
export function deadLetterRoutes(producer: Operations): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  mount(app, listDeadLetters, async (c) => {
    // Every key, the field filters too; a key given twice stays a list, which is refused.
    const query = Object.fromEntries(
      Object.entries(c.req.queries()).map(([k, v]) => [k, v.length === 1 ? v[0] : v]),
    )
    return c.json(await producer.deadLetters.list(query))
  })
  return app
}
