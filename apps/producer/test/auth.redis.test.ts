import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { freePort, testRedisUrl, useHarness } from '@jobq/queue-core/testing'
import { useAppHarness } from './harness.js'

const TOKEN = 'test-token-0123456789abcdef'
const OTHER = 'second-token-0123456789abcdef'

describe('bearer auth (JOBQ_API_TOKENS)', () => {
  const h = useAppHarness({ apiTokens: [TOKEN, OTHER] })

  /** Every operation of the OpenAPI document, with its path parameters filled in. */
  async function operations() {
    const doc = (await (await h.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>
    }
    return Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({
        method: method.toUpperCase(),
        path: path.replace('{id}', 'some-job').replace('{queue}', 'default'),
      })),
    )
  }

  it('answers 401 problem+json on every protected route without a token or with a wrong one', async () => {
    const routes = [
      ...(await operations()),
      { method: 'GET', path: '/ui' },
      { method: 'GET', path: '/metrics' },
    ]
    expect(routes.length).toBeGreaterThan(15)
    for (const { method, path } of routes) {
      for (const authorization of [
        undefined,
        'Bearer wrong-token',
        `Basic ${TOKEN}`,
        `Bearer ${TOKEN}x`,
      ]) {
        const res = await h.app.request(path, {
          method,
          headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
          body: method === 'POST' ? '{"data":{}}' : undefined,
        })
        expect(res.status, `${method} ${path} with ${authorization}`).toBe(401)
        expect(res.headers.get('content-type')).toBe('application/problem+json')
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
        expect(await res.text()).not.toContain(TOKEN)
      }
    }
    expect(await h.jobCount('default')).toBe(0)
  })

  it('lets any configured token in, and keeps health and docs open', async () => {
    for (const token of [TOKEN, OTHER]) {
      const res = await h.app.request('/v1/queues', {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(res.status).toBe(200)
    }
    const ui = await h.app.request('/ui', { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(ui.status).toBe(200)
    for (const open of ['/healthz', '/readyz', '/openapi.json', '/docs']) {
      expect((await h.app.request(open)).status, open).toBe(200)
    }
  })

  it('declares bearer security in the OpenAPI document', async () => {
    const doc = (await (await h.app.request('/openapi.json')).json()) as Record<string, unknown>
    expect(doc).toMatchObject({
      security: [{ bearer: [] }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    })
  })
})

describe('producer start-up checks', () => {
  const main = fileURLToPath(new URL('../dist/main.js', import.meta.url))
  const h = useHarness({ label: 'startup' })

  it('refuses to start in production without tokens, and on a bad variable, naming it', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ NODE_ENV: 'production' }, /JOBQ_API_TOKENS: is required when NODE_ENV=production/],
      [{ JOBQ_API_TOKENS: 'short' }, /JOBQ_API_TOKENS.*at least 16 characters/],
      [
        { JOBQ_API_TOKENS: 'ops:amdin:boot-secret-0123456789' },
        /JOBQ_API_TOKENS: entry 1: \(ops\) unknown scope "amdin"/,
      ],
      [{ PORT: '99999' }, /PORT: must be at most 65535/],
    ]
    for (const [env, message] of cases) {
      const producer = h.spawn(main, [], {
        env: { REDIS_URL: testRedisUrl(), PORT: String(await freePort()), ...env },
      })
      expect(await producer.exited).toBe(1)
      expect(producer.output()).toMatch(message)
      expect(producer.output()).not.toContain('boot-secret')
    }
  })
})
