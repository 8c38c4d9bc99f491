import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi'
import * as contracts from '@jobq/queue-core/contracts'
import type { Operations } from '@jobq/queue-core'
import { scope } from '../access/scopes.js'
import { mount } from '../openapi/mount.js'
import { commonErrors, jsonResponse } from '../openapi/responses.js'
import { validationHook } from '../openapi/validation-hook.js'

const listAudit = createRoute({
  method: 'get',
  path: '/v1/audit',
  ...scope('admin'),
  tags: ['audit'],
  summary: 'The audit trail of admin actions, newest first',
  description:
    'Every admin action (pause, resume, empty, clean, retry, requeue, cancel, group limits, ' +
    "bulk actions, the dashboard's buttons), refused or not: time, token name, action, target, " +
    'affected count, request id, status. The trail keeps about the last 10,000 entries ' +
    '(`<prefix>:audit`, a capped stream). It names tokens: reading it needs `admin`.',
  request: { query: contracts.AuditQuery },
  responses: { 200: jsonResponse('a page of entries', contracts.AuditPage), ...commonErrors },
})

/** `GET /v1/audit` (`operations/audit.ts`). */
export function auditRoutes(producer: Operations): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  mount(app, listAudit, async (c) => {
    const query = (
      c.req as unknown as { valid(t: 'query'): z.output<typeof contracts.AuditQuery> }
    ).valid('query')
    return c.json(await producer.audit.list(query))
  })
  return app
}
