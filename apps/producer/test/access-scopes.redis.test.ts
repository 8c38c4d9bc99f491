import { beforeAll, describe, expect, it } from 'vitest'
import { registry } from '@jobq/jobs'
import type { ApiToken } from '../src/access/scopes.js'
import { parseTokens } from '../src/access/token-config.js'
import { useAppHarness } from './harness.js'

const SECRET = {
  ops: 'ops-secret-0123456789abcdef',
  dash: 'dash-secret-0123456789abcdef',
  svc: 'svc-secret-0123456789abcdef',
  mail: 'mail-secret-0123456789abcdef',
  local: 'local-secret-0123456789abcdef',
  bare: 'bare-secret-0123456789abcdef',
}
/** Every kind of token, as `JOBQ_API_TOKENS` would configure them. */
const CONFIG = [
  `ops:admin+read+enqueue:${SECRET.ops}`,
  `dash:read:${SECRET.dash}`,
  `svc:enqueue:${SECRET.svc}`,
  // Every scope, but only the queue `big_file`: every target below is `default` or every queue.
  `mail:admin+read+enqueue@big_file:${SECRET.mail}`,
  // Every scope on `default`: refused only where a route spans every queue.
  `local:admin+read+enqueue@default:${SECRET.local}`,
  SECRET.bare,
]
const { tokens, errors } = parseTokens(
  CONFIG.map((text, i) => ({ text, path: 'JOBQ_API_TOKENS', where: `entry ${i + 1}` })),
)

type Scope = 'read' | 'enqueue' | 'admin'
interface Operation {
  method: string
  /** The path template, as the document has it. */
  template: string
  scope: Scope
}

/** What a token should get on an operation: `pass` = anything but 401 and 403. */
type Expected = 'pass' | 401 | 'missing-scope' | 'queue-not-allowed'

const ENQUEUE = /^\/v1\/jobs\/([\w.-]+?)(\/bulk)?$/

/**
 * The queue an operation acts on as this test fills it in (`default`), the job's queue for an
 * enqueue, or `every` for routes that name no queue, job or job id (README, "Access scopes").
 */
function targetOf(template: string): string {
  const enqueue = template !== '/v1/jobs/{id}' && ENQUEUE.exec(template)
  if (enqueue) return registry.job(enqueue[1]!)!.queue
  const named =
    /\{(queue|job)\}/.test(template) ||
    template.startsWith('/v1/jobs/{id}') ||
    template === '/v1/jobs'
  return named ? 'default' : 'every'
}
const spansEveryQueue = (template: string) => targetOf(template) === 'every'

function expected(who: string, op: Operation): Expected {
  if (who === 'none' || who === 'wrong') return 401
  if (who === 'bare' || who === 'ops') return 'pass'
  if (who === 'dash') return op.scope === 'read' ? 'pass' : 'missing-scope'
  if (who === 'svc') return op.scope === 'enqueue' ? 'pass' : 'missing-scope'
  const target = targetOf(op.template)
  const allowed = who === 'mail' ? 'big_file' : 'default'
  return target === allowed ? 'pass' : 'queue-not-allowed'
}

const AUTHORIZATION: Record<string, string | undefined> = {
  none: undefined,
  wrong: 'Bearer wrong-secret-0123456789abcdef',
  ...Object.fromEntries(Object.entries(SECRET).map(([who, secret]) => [who, `Bearer ${secret}`])),
}

describe('access scopes: every operation of /openapi.json × every kind of token, over HTTP', () => {
  const h = useAppHarness({ apiTokens: tokens, per: 'file' })
  let url: string
  let operations: Operation[]

  beforeAll(async () => {
    expect(errors).toEqual([])
    url = await h.listen()
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { 'x-jobq-scope'?: Scope }>>
    }
    operations = Object.entries(doc.paths).flatMap(([template, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        template,
        scope: op['x-jobq-scope']!,
      })),
    )
    // Not in the document, behind the same auth: the metrics, the dashboard and its actions.
    operations.push(
      { method: 'GET', template: '/metrics', scope: 'read' },
      { method: 'GET', template: '/ui', scope: 'read' },
      { method: 'PUT', template: '/ui/api/queues/default/pause', scope: 'admin' },
    )
  })

  /** A job of queue `default`, made afresh: the routes of `{id}` may cancel or retry it. */
  async function freshJob(): Promise<string> {
    const res = await fetch(`${url}/v1/jobs/demo.echo`, {
      method: 'POST',
      headers: { authorization: AUTHORIZATION.ops!, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { n: 1 } }),
    })
    return ((await res.json()) as { id: string }).id
  }

  async function send(op: Operation, authorization: string | undefined) {
    const path = op.template
      .replace('{queue}', 'default')
      .replace('{id}', op.template.includes('{id}') ? await freshJob() : '')
      .replace('{job}', 'demo.echo')
      .replace('{key}', 'k1')
    const query = op.template === '/v1/jobs' ? '?name=demo.echo&state=waiting' : ''
    const abort = new AbortController()
    const res = await fetch(`${url}${path}${query}`, {
      method: op.method,
      signal: abort.signal,
      headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
      body: ['GET', 'HEAD', 'DELETE'].includes(op.method) ? undefined : '{"data":{"n":1}}',
    })
    // An event stream stays open: the status is all this test needs.
    const body = res.headers.get('content-type')?.includes('json') ? await res.text() : ''
    abort.abort()
    return { status: res.status, body }
  }

  it('declares a scope on every operation of the document', () => {
    expect(operations.length).toBeGreaterThan(20)
    for (const op of operations) {
      expect(['read', 'enqueue', 'admin'], `${op.method} ${op.template}`).toContain(op.scope)
    }
  })

  it('answers 401, 403 naming the scope or queue, or lets the request through, per the declared scope', async () => {
    const seen = new Set<Expected>()
    for (const op of operations) {
      for (const [who, authorization] of Object.entries(AUTHORIZATION)) {
        const want = expected(who, op)
        seen.add(want)
        const { status, body } = await send(op, authorization)
        const label = `${who} on ${op.method} ${op.template} → ${status} ${body}`
        if (want === 'pass') {
          expect([401, 403], label).not.toContain(status)
          expect(status, label).toBeLessThan(500)
          continue
        }
        if (want === 401) {
          expect(status, label).toBe(401)
          continue
        }
        expect(status, label).toBe(403)
        const problem = JSON.parse(body) as { type: string; detail: string }
        expect(problem.type, label).toBe(`/problems/${want}`)
        const name = who === 'bare' ? 'token-6' : who
        expect(problem.detail, label).toBe(
          want === 'missing-scope'
            ? `this token (${name}) lacks the ${op.scope} scope`
            : spansEveryQueue(op.template)
              ? `this token (${name}) is limited to the queues ${who === 'mail' ? 'big_file' : 'default'}: this route spans every queue`
              : `this token (${name}) may not use the queue ${targetOf(op.template)} (only ${who === 'mail' ? 'big_file' : 'default'})`,
        )
      }
    }
    expect(seen).toEqual(new Set(['pass', 401, 'missing-scope', 'queue-not-allowed']))
  })

  it('serves the dashboard read-only to a token without admin, whole to one with it', async () => {
    const queues = async (who: string) => {
      const res = await fetch(`${url}/ui/api/queues?activeQueue=default`, {
        headers: { authorization: AUTHORIZATION[who]! },
      })
      expect(res.status).toBe(200)
      const body = (await res.json()) as { queues: { readOnlyMode: boolean }[] }
      return body.queues.map((q) => q.readOnlyMode)
    }
    expect(new Set(await queues('dash'))).toEqual(new Set([true]))
    expect(new Set(await queues('ops'))).toEqual(new Set([false]))
  })
})

describe('token kinds', () => {
  it('gives a bare token every scope and a name by its position', () => {
    const bare = tokens.at(-1) as ApiToken
    expect(bare.name).toBe('token-6')
    expect([...bare.scopes]).toEqual(['read', 'enqueue', 'admin'])
    expect(bare.queues).toBeUndefined()
    expect(tokens.find((t) => t.name === 'mail')?.queues).toEqual(new Set(['big_file']))
  })
})
