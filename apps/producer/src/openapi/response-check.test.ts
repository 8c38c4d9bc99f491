import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { describe, expect, it } from 'vitest'
import * as contracts from '@jobq/queue-core/contracts'
import { jsonResponse, problemResponse } from './responses.js'
import { responseCheck } from './response-check.js'

/** An app with one documented route whose handler answers whatever the test asks for. */
function appAnswering(answer: { status: number; body: unknown; type?: string }) {
  const app = new OpenAPIHono()
  const mismatches: string[] = []
  app.use(responseCheck(app, (m) => mismatches.push(m)))
  const route = createRoute({
    method: 'get',
    path: '/v1/queues/{queue}',
    request: { params: contracts.QueueParam },
    responses: {
      200: jsonResponse('the queue', contracts.QueueSummary),
      404: problemResponse('no such queue'),
    },
  })
  app.openapi(route, ((c: { body: (b: string, s: number, h: object) => Response }) =>
    c.body(JSON.stringify(answer.body), answer.status, {
      'content-type': answer.type ?? 'application/json',
    })) as never)
  return { app, mismatches }
}

const summary = {
  name: 'default',
  paused: false,
  counts: {
    waiting: 1,
    delayed: 0,
    active: 0,
    completed: 0,
    failed: 0,
    'waiting-children': 0,
  },
  backlog: 1,
  workers: 0,
}

describe('the response check of the route tests', () => {
  it('passes a response that matches its documented schema', async () => {
    const { app, mismatches } = appAnswering({ status: 200, body: summary })
    expect((await app.request('/v1/queues/default')).status).toBe(200)
    expect(mismatches).toEqual([])
  })

  it('catches a body off its schema, naming the route, the status and the field', async () => {
    const { app, mismatches } = appAnswering({ status: 200, body: { ...summary, backlog: '1' } })
    await app.request('/v1/queues/default')
    expect(mismatches).toEqual([
      expect.stringMatching(/^GET \/v1\/queues\/default → 200: backlog: .*number/),
    ])
  })

  it('catches an undocumented status and an undocumented content type', async () => {
    const teapot = appAnswering({ status: 418, body: {} })
    await teapot.app.request('/v1/queues/default')
    expect(teapot.mismatches).toEqual(['GET /v1/queues/default → 418: status not documented'])

    const plain = appAnswering({ status: 404, body: {}, type: 'application/json' })
    await plain.app.request('/v1/queues/default')
    expect(plain.mismatches).toEqual([
      'GET /v1/queues/default → 404: content type "application/json" not documented',
    ])
  })

  it('leaves routes it has no documentation of alone', async () => {
    const { app, mismatches } = appAnswering({ status: 200, body: summary })
    app.get('/elsewhere', (c) => c.json({ anything: true }))
    await app.request('/elsewhere')
    expect(mismatches).toEqual([])
  })
})
