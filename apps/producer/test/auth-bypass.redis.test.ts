import { describe, expect, it } from 'vitest'
import { useAppHarness } from './harness.js'

const TOKEN = 'test-token-0123456789abcdef'

// auth.redis.test.ts covers every OpenAPI route; these are the ways around a route list: the
// dashboard's own API under /ui, routes the document does not list, and path spellings that a
// router might match differently from the auth middleware.
describe('bearer auth: no way around it', () => {
  const h = useAppHarness({ apiTokens: [TOKEN] })

  it('never answers 2xx/3xx without a valid token, however the path is spelled', async () => {
    const { id } = (await (
      await h.post('/v1/jobs/demo.echo', { data: 1 }, { authorization: `Bearer ${TOKEN}` })
    ).json()) as { id: string }
    const attempts: [string, string][] = [
      ['GET', '/ui/api/queues'],
      ['PUT', '/ui/api/queues/default/pause'],
      ['PUT', '/ui/api/queues/default/clean/completed'],
      ['GET', '/ui/static/index.js'],
      ['POST', '/v1/jobs/not.a.job'],
      ['POST', '/v1/jobs/not.a.job/bulk'],
      ['GET', `/v1/jobs/${id}`],
      ['GET', `//v1/jobs/${id}`],
      ['GET', `/v1//jobs/${id}`],
      ['GET', `/v1/jobs/${id}/`],
      ['GET', `/V1/jobs/${id}`],
      ['GET', `/v1/./jobs/${id}`],
      ['GET', `/x/../v1/jobs/${id}`],
      ['GET', `/v1%2Fjobs%2F${id}`],
      ['GET', `/%76%31/jobs/${id}`],
      ['DELETE', `/v1/jobs/${id}`],
      ['POST', '/v1/queues/default/empty'],
      ['POST', '/v1/queues/default/empty/'],
      ['GET', '/metrics/'],
      ['HEAD', '/v1/queues'],
      ['OPTIONS', '/v1/queues'],
    ]
    for (const [method, path] of attempts) {
      for (const authorization of [undefined, 'Bearer nope', `bearer  ${TOKEN}x`]) {
        const res = await h.app.request(path, {
          method,
          headers: {
            'content-type': 'application/json',
            'x-http-method-override': 'GET',
            ...(authorization && { authorization }),
          },
          body: ['POST', 'PUT', 'DELETE'].includes(method) ? '{"data":1}' : undefined,
        })
        expect(res.status, `${method} ${path} (${authorization})`).toBeGreaterThanOrEqual(400)
        expect(res.status, `${method} ${path} (${authorization})`).toBeLessThan(500)
        expect(await res.text()).not.toContain(TOKEN)
      }
    }
    // Nothing reached the queue: the one job is still there, waiting, and no second one.
    expect(await h.waiter.counts('default')).toMatchObject({ waiting: 1 })
    expect(await h.jobCount('default')).toBe(1)
  })
})
