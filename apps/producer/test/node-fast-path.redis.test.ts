import { beforeEach, describe, expect, it } from 'vitest'
import { useAppHarness } from './harness.js'

// Served by @hono/node-server, the app reads request headers from Node's own parsed headers and
// sets response headers on the ServerResponse (src/node-http.ts); `app.request()` in the other
// tests takes the WHATWG path. This checks the Node path behaves the same over a real socket.
describe('over a real socket (the Node header fast path)', () => {
  const TOKEN = 'fast-path-token-0123456789'
  const h = useAppHarness({ apiTokens: [TOKEN], bodyLimitBytes: 1_024 })
  let url: string
  beforeEach(async () => {
    url = await h.listen()
  })

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${url}/v1/jobs/demo.echo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body,
    })

  it('answers Location and a fresh X-Request-Id with the enqueued job', async () => {
    const res = await post(JSON.stringify({ data: { n: 1 } }), {})
    expect(res.status).toBe(202)
    const job = (await res.json()) as { id: string }
    expect(res.headers.get('location')).toBe(`/v1/jobs/${job.id}`)
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it("echoes a caller's safe X-Request-Id and replaces an unsafe one", async () => {
    const kept = await post(JSON.stringify({ data: {} }), { 'x-request-id': 'trace-42' })
    expect(kept.headers.get('x-request-id')).toBe('trace-42')
    const replaced = await post('{', { 'x-request-id': 'no spaces allowed' })
    expect(replaced.status).toBe(400)
    const id = replaced.headers.get('x-request-id')
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(((await replaced.json()) as { requestId: string }).requestId).toBe(id)
  })

  it('reads the token, the length and the type from the Node request', async () => {
    expect((await post('{}', { authorization: 'Bearer wrong' })).status).toBe(401)
    expect((await post(JSON.stringify({ data: { s: 'x'.repeat(2_000) } }), {})).status).toBe(413)
    expect((await post('{}', { 'content-type': 'text/plain' })).status).toBe(415)
    expect(await h.jobCount('default')).toBe(0)
  })
})
