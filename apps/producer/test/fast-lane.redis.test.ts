import { request as httpRequest } from 'node:http'
import { beforeEach, describe, expect, it } from 'vitest'
import { useAppHarness } from './harness.js'

const TOKEN = 'fast-lane-token-0123456789'
const LIMIT = 2_048

/** One request, as a client would send it; `body` is sent as is. */
interface Sent {
  path: string
  body: string
  headers?: Record<string, string>
}

/** An answer with what differs between two runs of one request (ids, times) made equal. */
interface Answer {
  status: number
  headers: Record<string, string>
  body: string
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g
const TIME = /"(enqueuedAt|runAt)":"[^"]+"/g
/** Headers Node and hono may write differently without a client seeing a difference. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'content-length'])

const normal = (text: string) => text.replace(UUID, '<id>').replace(TIME, '"$1":"<time>"')

function normalize(status: number, headers: Iterable<[string, string]>, body: string): Answer {
  const kept: Record<string, string> = {}
  for (const [name, value] of headers) {
    if (!TRANSPORT.has(name.toLowerCase())) kept[name.toLowerCase()] = normal(value)
  }
  return { status, headers: kept, body: normal(body) }
}

const defaults = (sent: Sent) => ({
  authorization: `Bearer ${TOKEN}`,
  'content-type': 'application/json',
  ...sent.headers,
})

// Served over a socket, `POST /v1/jobs/<name>` that passes every check is answered by the fast
// lane (src/fast-lane.ts), everything else by the hono app; `app.request()` is the app alone.
// Each request here goes both ways and must be answered alike, refusals included.
describe('the enqueue fast lane answers as the app does', () => {
  const h = useAppHarness({ apiTokens: [TOKEN], bodyLimitBytes: LIMIT })
  let url: string
  beforeEach(async () => {
    url = await h.listen()
  })

  const viaApp = async (sent: Sent): Promise<Answer> => {
    const res = await h.app.request(sent.path, {
      method: 'POST',
      headers: defaults(sent),
      body: sent.body,
    })
    return normalize(res.status, res.headers, await res.text())
  }

  /** Over Node's own client: it sends exactly the headers given (fetch adds its own). */
  const viaSocket = (sent: Sent, chunked = false): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const headers = chunked
        ? { ...defaults(sent), 'transfer-encoding': 'chunked' }
        : { ...defaults(sent), 'content-length': String(Buffer.byteLength(sent.body)) }
      const req = httpRequest(`${url}${sent.path}`, { method: 'POST', headers }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => {
          const pairs = Object.entries(res.headers).map(
            ([k, v]) => [k, String(v)] as [string, string],
          )
          resolve(normalize(res.statusCode!, pairs, body))
        })
      })
      req.on('error', reject)
      req.end(sent.body)
    })

  const data = (value: unknown, options?: unknown) => JSON.stringify({ data: value, options })

  const cases: [string, Sent][] = [
    ['a valid job', { path: '/v1/jobs/demo.echo', body: data({ n: 1 }) }],
    [
      'a job with options',
      { path: '/v1/jobs/demo.echo', body: data(1, { priority: 3, delay: 50 }) },
    ],
    ['a job of a stricter schema', { path: '/v1/jobs/demo.sleep', body: data({ ms: 5 }) }],
    [
      "a caller's request id",
      { path: '/v1/jobs/demo.echo', body: data(2), headers: { 'x-request-id': 'trace-7' } },
    ],
    ['a schema violation', { path: '/v1/jobs/demo.sleep', body: data({ ms: -1 }) }],
    ['unknown options', { path: '/v1/jobs/demo.echo', body: data(1, { nope: true }) }],
    ['malformed JSON', { path: '/v1/jobs/demo.echo', body: '{"data":' }],
    [
      'JSON nested too deep',
      { path: '/v1/jobs/demo.echo', body: data(JSON.parse('['.repeat(70) + ']'.repeat(70))) },
    ],
    ['a body over the limit', { path: '/v1/jobs/demo.echo', body: data('x'.repeat(LIMIT)) }],
    [
      'another media type',
      { path: '/v1/jobs/demo.echo', body: data(1), headers: { 'content-type': 'text/plain' } },
    ],
    ['no token', { path: '/v1/jobs/demo.echo', body: data(1), headers: { authorization: '' } }],
    [
      'a wrong token',
      { path: '/v1/jobs/demo.echo', body: data(1), headers: { authorization: 'Bearer nope' } },
    ],
    ['an unknown job', { path: '/v1/jobs/demo.nope', body: data(1) }],
    ['a query string', { path: '/v1/jobs/demo.echo?x=1', body: data(3) }],
  ]

  it.each(cases)('%s', async (_, sent) => {
    const before = await h.jobCount('default')
    const [app, socket] = [await viaApp(sent), await viaSocket(sent)]
    expect(socket).toEqual(app)
    // Both made a job, or neither did.
    const made = app.status === 202 ? 2 : 0
    expect(await h.jobCount('default')).toBe(before + made)
  })

  it('a chunked body (no declared length) is answered by the app, whole', async () => {
    const sent = { path: '/v1/jobs/demo.echo', body: data({ n: 'chunked' }) }
    expect(await viaSocket(sent, true)).toEqual(await viaApp(sent))
  })

  it('an idempotency key: 202 then 200 with the same job, on either path', async () => {
    const sent = (key: string) => ({ path: '/v1/jobs/demo.echo', body: data(1, { jobId: key }) })
    const first = await viaSocket(sent('k-1'))
    expect(first.status).toBe(202)
    const again = await viaSocket(sent('k-1'))
    expect(again).toEqual({
      ...first,
      status: 200,
      body: first.body
        .replace('"created":true', '"created":false')
        .replace('"outcome":"created"', '"outcome":"duplicated"'),
    })
    await viaApp(sent('k-2'))
    expect((await viaSocket(sent('k-2'))).status).toBe(200)
  })

  it('counts its requests in the same metrics as the app', async () => {
    for (let i = 0; i < 3; i++) await viaSocket({ path: '/v1/jobs/demo.echo', body: data(i) })
    await viaSocket({ path: '/v1/jobs/demo.sleep', body: data({ ms: -1 }) })
    const text = await (
      await h.app.request('/metrics', { headers: defaults({ path: '', body: '' }) })
    ).text()
    expect(text).toMatch(/route="\/v1\/jobs\/demo\.echo",status="202"\} 3\n/)
    expect(text).toMatch(/route="\/v1\/jobs\/demo\.sleep",status="400"\} 1\n/)
    expect(text).toContain('jobq_jobs_enqueued_total{queue="default",job="demo.echo"} 3')
  })
})
