import { afterEach, describe, expect, it } from 'vitest'
import { startRedisServer, type RedisServer } from '@jobq/queue-core/testing'
import { createAppHarness, type Harness } from './harness.js'

describe('while Redis is unreachable', () => {
  let server: RedisServer | undefined
  let h: Harness | undefined
  afterEach(async () => {
    await h?.close({ keepKeys: true })
    await server?.stop()
  })

  it('answers 503 with Retry-After within a second, not a hung request, and recovers', async () => {
    server = await startRedisServer()
    h = await createAppHarness({ redisUrl: server.url })
    expect((await h.post('/v1/jobs/demo.echo', { data: 1 })).status).toBe(202)
    await server.stop()

    for (const [method, path] of [
      ['POST', '/v1/jobs/demo.echo'],
      ['POST', '/v1/jobs/demo.echo/bulk'],
      ['GET', '/v1/jobs/some-job'],
      ['GET', '/v1/queues'],
      ['GET', '/readyz'],
    ] as const) {
      const started = performance.now()
      const res =
        method === 'POST'
          ? await h.post(path, path.endsWith('bulk') ? { count: 2, data: 1 } : { data: 1 })
          : await h.app.request(path)
      expect(performance.now() - started, path).toBeLessThan(1_000)
      expect(res.status, path).toBe(503)
      if (path !== '/readyz') {
        expect(res.headers.get('retry-after')).toBe('1')
        expect(res.headers.get('content-type')).toBe('application/problem+json')
      }
    }
    expect((await h.app.request('/healthz')).status).toBe(200)

    // Over a socket, the enqueue's fast lane answers the same problem.
    const url = await h.listen()
    const res = await fetch(`${url}/v1/jobs/demo.echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: 1 }),
    })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(await res.json()).toMatchObject({ type: '/problems/backend-unavailable', status: 503 })

    server = await startRedisServer({ port: server.port })
    await expect
      .poll(async () => (await h!.app.request('/readyz')).status, { timeout: 10_000 })
      .toBe(200)
    expect((await h.post('/v1/jobs/demo.echo', { data: 2 })).status).toBe(202)
  })
})
