import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { registry } from '@jobq/jobs'
import { JOB_STATES } from '@jobq/queue-core'
import { MAX_JSON_DEPTH } from '../src/body.js'
import { useAppHarness } from './harness.js'
import { samples } from './samples.js'

// Property-based: every route of the OpenAPI document, fed hostile input, answers a 4xx
// problem+json, never a 5xx, and never creates a job. Runs are bounded (NUM_RUNS per property)
// and seeded from fast-check's default, which prints the seed and the shrunk input on failure.
const NUM_RUNS = 100

/** fast-check's report, cut short: counterexamples here can be megabytes of 'x'. */
function shortReport<Ts>(details: fc.RunDetails<Ts>): void {
  if (!details.failed) return
  const text = fc.defaultReportMessage(details) ?? 'property failed'
  throw new Error(
    text.replace(/(.)\1{200,}/g, (run, ch: string) => `${ch}…(${run.length}×)`).slice(0, 6_000),
  )
}
const runs = (numRuns: number) => ({ numRuns, reporter: shortReport })

interface Operation {
  method: string
  path: string
}

const QUEUES = new Set(registry.queueNames)
const printable = (max: number) =>
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: max,
  })

/** Path segments a caller should never get anything but a 4xx for. */
const hostileSegment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '..',
    '../..',
    '../../etc/passwd',
    '..%2F..%2Fetc%2Fpasswd',
    '%2e%2e%2f%2e%2e%2f',
    '%00',
    'a%00b',
    '....//',
    '\\..\\..\\',
    'wait',
    'meta',
    'id',
    'events',
    '*',
    '0',
    '123',
    ' ',
    '%',
    '%ZZ',
    'default:1',
    'jobq:default:1',
  ),
  fc.nat({ max: 30_000 }).map((n) => 'x'.repeat(n + 129)), // over the id limit, up to huge
)

/** Headers that try to confuse content negotiation, auth or proxies. */
const hostileHeaders = fc.record(
  {
    'content-type': fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-7',
        'application/JSON',
        'application/json, text/html',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/problem+json',
        '',
      ),
      printable(60),
    ),
    accept: fc.oneof(fc.constantFrom('*/*', 'text/html', 'application/xml'), printable(60)),
    authorization: fc.oneof(fc.constant('Bearer '), printable(200)),
    'x-forwarded-for': printable(60),
    'x-http-method-override': fc.constantFrom('DELETE', 'PUT', 'GET', 'PATCH'),
    'content-encoding': fc.constantFrom('gzip', 'br', 'identity'),
    'x-request-id': printable(300),
  },
  { requiredKeys: [] },
)

const hostileQuery = fc.dictionary(printable(20), printable(50), { maxKeys: 4 })

/** JSON that is never a valid enqueue envelope (`{ data, options? }`, nothing else). */
const notAnEnvelope = fc.oneof(
  fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
  // a strict envelope: any key besides data/options makes it invalid
  fc
    .tuple(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }), printable(12))
    .map(([extra, key]) => ({
      data: 1,
      ...extra,
      [`x${key}`]: true,
    })),
)

/** Enqueue options no schema accepts (wrong type, out of range, bad jobId, unknown key). */
const badOptions = fc.oneof(
  fc.record({
    delay: fc.oneof(
      fc.constant(-1),
      fc.string(),
      fc.double({ min: 0.1, max: 0.9 }),
      fc.constant(1e20),
    ),
  }),
  fc.record({ priority: fc.oneof(fc.constant(-5), fc.string(), fc.constant(1e9), fc.boolean()) }),
  fc.record({
    attempts: fc.oneof(fc.constant(0), fc.constant(1.5), fc.constant(1_000), fc.string()),
  }),
  fc.record({
    timeoutMs: fc.oneof(
      fc.constant(0),
      fc.constant(-1),
      fc.jsonValue().filter((v) => typeof v !== 'number' && v !== undefined && v !== null),
    ),
  }),
  fc.record({
    jobId: fc.oneof(
      fc.constantFrom('', ' a', 'a b', 'a\tb', 'x\u0000', 'é', 'x'.repeat(256)),
      fc.integer(),
      fc.string().filter((s) => !/^[\x21-\x7e]{1,255}$/.test(s)),
    ),
  }),
  fc.dictionary(
    fc
      .string({ minLength: 1 })
      .filter((k) => !['delay', 'priority', 'attempts', 'timeoutMs', 'jobId'].includes(k)),
    fc.jsonValue(),
    { minKeys: 1, maxKeys: 3 },
  ),
  fc
    .jsonValue()
    .filter((v) => typeof v !== 'object' || Array.isArray(v))
    .filter((v) => v !== null),
)

/** Nested arrays/objects deeper than the producer accepts, up to very deep. */
const tooDeep = fc
  .tuple(fc.integer({ min: MAX_JSON_DEPTH + 1, max: 200_000 }), fc.boolean())
  .map(([depth, objects]) =>
    objects
      ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
      : '['.repeat(depth) + ']'.repeat(depth),
  )

describe('hostile input on every route of the OpenAPI document', () => {
  const h = useAppHarness({ per: 'file' })
  let operations: Operation[]

  beforeAll(async () => {
    const doc = (await (await h.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>
    }
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    )
  })

  async function jobsInRedis() {
    let total = 0
    for (const queue of QUEUES) total += await h.jobCount(queue)
    return total
  }

  /** The property every hostile request must keep. */
  async function expectRefused(res: Response, what: string) {
    const text = await res.text()
    expect(res.status, `${what} → ${res.status} ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(400)
    expect(res.status, `${what} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500)
    expect(res.headers.get('content-type'), what).toBe('application/problem+json')
    const body = JSON.parse(text) as { status: number; type: string; detail: string }
    expect(body.status).toBe(res.status)
    expect(body.type).toMatch(/^\/problems\//)
    // A problem names what is wrong; it never reflects a huge input back.
    expect(text.length, what).toBeLessThan(20_000)
  }

  const request = (
    method: string,
    path: string,
    options: {
      body?: string
      headers?: Record<string, string>
      query?: Record<string, string>
    } = {},
  ) => {
    const query = new URLSearchParams(options.query ?? {}).toString()
    return h.app.request(`${path}${query ? `?${query}` : ''}`, {
      method,
      headers: { 'content-type': 'application/json', ...options.headers },
      body: method === 'POST' || method === 'DELETE' ? options.body : undefined,
    })
  }

  it('lists the routes it attacks', () => {
    expect(operations.length).toBeGreaterThan(15)
    expect(operations.filter((op) => op.path.includes('{')).length).toBeGreaterThan(5)
  })

  it('refuses hostile path parameters (bad ids, traversal, huge, unknown queues)', async () => {
    const parameterised = operations.filter((op) => /\{(id|queue)\}/.test(op.path))
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...parameterised),
        hostileSegment,
        fc.boolean(),
        hostileQuery,
        async (op, segment, encode, query) => {
          fc.pre(!QUEUES.has(segment) && !QUEUES.has(decodeSafe(segment)))
          const value = encode ? encodeURIComponent(segment) : segment
          const path = op.path.replace(/\{(id|queue)\}/, value)
          const resolved = new URL(path, 'http://x').pathname
          fc.pre(!QUEUES.has(resolved.split('/')[3] ?? ''))
          // A traversal that leaves /v1 (`/v1/jobs/../..` is `/`) asks for another page, which
          // may answer 200 (GET / points to /ui and /docs): not this route's parameter.
          fc.pre(resolved.startsWith('/v1/'))
          // Nor one that lands on another route of the same method with no parameter
          // (`/v1/queues/x/../pause` is POST /v1/queues/pause, which pauses every queue).
          fc.pre(!operations.some((o) => o.method === op.method && o.path === resolved))
          await expectRefused(
            await request(op.method, path, { body: '{}', query }),
            `${op.method} ${path.slice(0, 120)}`,
          )
        },
      ),
      runs(NUM_RUNS * 2),
    )
    expect(await jobsInRedis()).toBe(0)
  })

  it('refuses unknown job names, whatever the body', async () => {
    await fc.assert(
      fc.asyncProperty(hostileSegment, fc.boolean(), fc.jsonValue(), async (name, bulk, body) => {
        fc.pre(!registry.job(name) && !registry.job(decodeSafe(name)))
        const path = `/v1/jobs/${encodeURIComponent(name)}${bulk ? '/bulk' : ''}`
        await expectRefused(await request('POST', path, { body: JSON.stringify(body) }), path)
      }),
      runs(NUM_RUNS),
    )
    expect(await jobsInRedis()).toBe(0)
  })

  it('refuses bodies that are not a valid enqueue, on every enqueue route', async () => {
    const enqueues = operations.filter(
      (op) => op.method === 'POST' && op.path.startsWith('/v1/jobs/') && !op.path.includes('{'),
    )
    const bodyFor = (op: Operation) => {
      const name = op.path.split('/')[3]!
      const definition = registry.job(name)!
      const invalidData = fc.jsonValue().filter((v) => !definition.input.safeParse(v).success)
      const arms = [
        notAnEnvelope.map((v) => JSON.stringify(v)),
        badOptions.map((options) => JSON.stringify({ data: {}, options })),
        tooDeep.map((deep) => `{"data":${deep}}`),
        // broken JSON, and JSON with a huge key or value in the wrong place
        fc.string({ maxLength: 200 }).filter((s) => !isJson(s)),
        fc.nat({ max: 200_000 }).map((n) => `{"${'k'.repeat(n + 1)}":1,"data":1}`),
      ]
      // demo.echo takes any JSON as data: there is no invalid data for it, only bad envelopes.
      const acceptsAnyJson = [null, 1, 'x', [1]].every((v) => definition.input.safeParse(v).success)
      if (!acceptsAnyJson) {
        arms.push(invalidData.map((data) => JSON.stringify({ data })))
        arms.push(
          invalidData.map((data) =>
            JSON.stringify({ data: { ms: 'x'.repeat(100_000) }, wrong: data }),
          ),
        )
      }
      if (op.path.endsWith('/bulk')) {
        // all or nothing: one bad item among good ones enqueues none of them
        arms.push(
          fc.tuple(fc.nat({ max: 5 }), badOptions).map(([good, options]) =>
            JSON.stringify({
              items: [
                ...Array.from({ length: good }, () => sampleValid(name)),
                { data: samples[name], options },
              ],
            }),
          ),
          fc
            .oneof(
              fc.constant(0),
              fc.constant(-1),
              fc.constant(1.5),
              fc.constant(10_001),
              fc.constant(1e12),
              fc.string(),
            )
            .map((count) => JSON.stringify({ count, data: samples[name] })),
        )
      }
      return fc.oneof(...arms)
    }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...enqueues).chain((op) => fc.tuple(fc.constant(op), bodyFor(op))),
        async ([op, body]) => {
          await expectRefused(
            await request('POST', op.path, { body }),
            `${op.path} ${body.slice(0, 120)}`,
          )
        },
      ),
      runs(NUM_RUNS * 3),
    )
    expect(await jobsInRedis()).toBe(0)
  })

  it('refuses a valid body sent with hostile headers (415), and never answers a 5xx to header tricks', async () => {
    // The enqueue routes (`POST /v1/queues/pause` is POST without a parameter too).
    const enqueues = operations.filter(
      (op) => op.method === 'POST' && op.path.startsWith('/v1/jobs/') && !op.path.includes('{'),
    )
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...enqueues), hostileHeaders, async (op, headers) => {
        const name = op.path.split('/')[3]!
        const body = JSON.stringify(
          op.path.endsWith('/bulk') ? { count: 1, data: samples[name] } : sampleValid(name),
        )
        const jsonType = /^application\/json\s*(;|$)/i.test(
          headers['content-type'] ?? 'application/json',
        )
        fc.pre(!jsonType) // a JSON body labelled JSON is a valid enqueue: not this property
        await expectRefused(
          await request('POST', op.path, { body, headers }),
          `${op.path} ${JSON.stringify(headers).slice(0, 200)}`,
        )
      }),
      runs(NUM_RUNS),
    )
    expect(await jobsInRedis()).toBe(0)
    // Reading routes stay up (never a 5xx), whatever the headers and query say.
    const reads = operations.filter((op) => op.method === 'GET' && !op.path.includes('{'))
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...reads),
        hostileHeaders,
        hostileQuery,
        async (op, headers, query) => {
          const res = await request(op.method, op.path, { headers, query })
          expect(res.status, `${op.path} ${JSON.stringify({ headers, query })}`).toBeLessThan(500)
          if (res.status >= 400) await expectRefused(res, op.path)
        },
      ),
      runs(NUM_RUNS),
    )
  })

  it('answers a hostile list query on a real queue with 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            state: printable(30).filter(
              (s) =>
                // Every name the API accepts, and BullMQ's own names that it must not.
                ![...JOB_STATES, 'prioritized', 'paused'].includes(s),
            ),
          }),
          fc.record({
            limit: fc.oneof(
              fc.constantFrom('0', '-1', '1001', '1e9', '1.5', 'NaN', 'Infinity', '', ' '),
              printable(10).filter((s) => !/^\s*\d+\s*$/.test(s)),
            ),
          }),
          fc.record({ offset: fc.constantFrom('-1', '1e99', 'x', '0x10', '1.5') }),
          fc.dictionary(
            printable(10).filter((k) => !['state', 'limit', 'offset'].includes(k) && k !== ''),
            printable(10),
            { minKeys: 1, maxKeys: 3 },
          ),
        ),
        async (query) => {
          await expectRefused(
            await request('GET', '/v1/queues/default/jobs', { query }),
            JSON.stringify(query),
          )
        },
      ),
      runs(NUM_RUNS),
    )
  })
})

function decodeSafe(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** Valid data for each demo job, to hide a bad item or a bad header among. */
function sampleValid(name: string) {
  const data = samples[name]
  if (!registry.job(name)!.input.safeParse(data).success)
    throw new Error(`add a valid sample for ${name} to test/samples.ts`)
  return { data }
}
