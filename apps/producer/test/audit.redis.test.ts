import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type * as contracts from '@jobq/queue-core/contracts'
import { testRedisUrl } from '@jobq/queue-core/testing'
import { loadTokens } from '../src/access/token-env.js'
import { useAppHarness } from './harness.js'

const OPS = 'ops-secret-0123456789abcdef'
const DASH = 'dash-secret-0123456789abcdef'
const tokens = loadTokens([`ops:admin+read+enqueue:${OPS}`, `dash:read:${DASH}`], undefined)
const cli = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url))

/** What the test checks of an entry (time and id vary). */
type Seen = Pick<
  contracts.AuditEntry,
  'token' | 'action' | 'target' | 'affected' | 'status' | 'requestId'
>

describe('the audit trail of admin actions', () => {
  const h = useAppHarness({ apiTokens: tokens })
  let n = 0

  /** A request as `secret`'s token, with a request id of its own; answers status and body. */
  async function call(secret: string, method: string, path: string, body?: unknown) {
    const requestId = `req-${++n}`
    const res = await h.app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${secret}`,
        'x-request-id': requestId,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      requestId,
    }
  }

  /** Jobs that fail for good at once (their payload fails demo.sleep's schema in the worker). */
  async function failedJobs(...ids: string[]) {
    await h.startWorker(['default'])
    for (const id of ids)
      await h.waiter.queue('default').add('demo.sleep', { ms: 'x' }, { jobId: id })
    for (const id of ids) expect((await h.waiter.finished('default', id)).state).toBe('failed')
  }

  it('records each admin action (HTTP and dashboard) with token, target, affected count and status, newest first', async () => {
    await failedJobs('f-1', 'f-2', 'f-3')
    const expected: Seen[] = []
    /** Calls, and expects the entry it should leave. */
    async function act(
      secret: string,
      method: string,
      path: string,
      body: unknown,
      entry: Omit<Seen, 'requestId' | 'status'> & { status?: number },
    ) {
      const res = await call(secret, method, path, body)
      const label = `${method} ${path}: ${JSON.stringify(res.body)}`
      expect(res.status, label).toBe(entry.status ?? 200)
      expected.push({ status: 200, ...entry, requestId: res.requestId })
      return res
    }
    const admin = (action: string, target: Record<string, string>, affected: number | null) => ({
      token: 'ops',
      action,
      target,
      affected,
    })
    const q = { queue: 'default' }
    // Paused: requeued and enqueued jobs stay waiting where the test counts them.
    await act(
      OPS,
      'POST',
      '/v1/queues/default/pause',
      undefined,
      admin('POST /v1/queues/{queue}/pause', q, 1),
    )
    await act(
      OPS,
      'POST',
      '/v1/queues/default/retry',
      { ids: ['f-1'] },
      admin('POST /v1/queues/{queue}/retry', q, 1),
    )
    await act(
      OPS,
      'POST',
      '/v1/jobs/f-2/retry',
      undefined,
      admin('POST /v1/jobs/{id}/retry', { id: 'f-2' }, 1),
    )
    await act(
      OPS,
      'POST',
      '/v1/queues/default/clean',
      { state: 'failed', olderThanMs: 0 },
      admin('POST /v1/queues/{queue}/clean', q, 1),
    )
    const echo = await call(OPS, 'POST', '/v1/jobs/demo.echo', { data: 1 })
    const echoId = echo.body.id as string
    await call(OPS, 'POST', '/v1/jobs/demo.echo', { data: 2 })
    await act(
      OPS,
      'DELETE',
      `/v1/jobs/${echoId}`,
      undefined,
      admin('DELETE /v1/jobs/{id}', { id: echoId }, 1),
    )
    // A token without admin: refused, and written down as refused.
    await act(DASH, 'POST', '/v1/queues/default/empty', undefined, {
      ...admin('POST /v1/queues/{queue}/empty', q, 0),
      token: 'dash',
      status: 403,
    })
    // Waiting now: f-1, f-2 (requeued) and the second echo.
    await act(
      OPS,
      'POST',
      '/v1/queues/default/empty',
      undefined,
      admin('POST /v1/queues/{queue}/empty', q, 3),
    )
    const tenant = { job: 'demo.tenant-task', key: 'acme' }
    await act(
      OPS,
      'PUT',
      '/v1/groups/demo.tenant-task/acme',
      { concurrency: 5 },
      admin('PUT /v1/groups/{job}/{key}', tenant, 1),
    )
    await act(
      OPS,
      'DELETE',
      '/v1/groups/demo.tenant-task/acme',
      undefined,
      admin('DELETE /v1/groups/{job}/{key}', tenant, 1),
    )
    await act(
      OPS,
      'POST',
      '/v1/queues/default/resume',
      undefined,
      admin('POST /v1/queues/{queue}/resume', q, 1),
    )
    const queues = h.registry.queueNames.length
    await act(
      OPS,
      'POST',
      '/v1/queues/pause',
      undefined,
      admin('POST /v1/queues/pause', {}, queues),
    )
    await act(
      OPS,
      'POST',
      '/v1/queues/resume',
      undefined,
      admin('POST /v1/queues/resume', {}, queues),
    )
    // The dashboard's buttons: a queue's action (bull-board does not say how many), a job's.
    await act(
      OPS,
      'PUT',
      '/ui/api/queues/default/pause',
      undefined,
      admin('PUT /ui/api/queues/default/pause', q, null),
    )
    const delayed = await call(OPS, 'POST', '/v1/jobs/demo.echo', {
      data: 3,
      options: { delay: 60_000 },
    })
    const delayedId = delayed.body.id as string
    await act(OPS, 'PUT', `/ui/api/queues/default/${delayedId}/promote`, undefined, {
      ...admin(
        `PUT /ui/api/queues/default/${delayedId}/promote`,
        { queue: 'default', id: delayedId },
        1,
      ),
      status: 204,
    })
    expect(await h.waiter.queue('default').getJobState(delayedId)).toBe('waiting')

    const page = await call(OPS, 'GET', '/v1/audit?limit=100')
    expect(page.status).toBe(200)
    const { entries, nextCursor } = page.body as unknown as contracts.AuditPage
    expect(nextCursor).toBeNull()
    const seen = entries.map(({ token, action, target, affected, status, requestId }) => ({
      token,
      action,
      target,
      affected,
      status,
      requestId,
    }))
    expect(seen).toEqual(expected.reverse())
    for (const entry of entries) expect(Date.parse(entry.at)).toBeLessThanOrEqual(Date.now())

    // Filters, and the page after a cursor.
    const empties = await call(
      OPS,
      'GET',
      `/v1/audit?action=${encodeURIComponent('POST /v1/queues/{queue}/empty')}`,
    )
    expect((empties.body.entries as Seen[]).map((e) => [e.token, e.status, e.affected])).toEqual([
      ['ops', 200, 3],
      ['dash', 403, 0],
    ])
    const byDash = await call(OPS, 'GET', '/v1/audit?token=dash')
    expect((byDash.body.entries as Seen[]).map((e) => e.action)).toEqual([
      'POST /v1/queues/{queue}/empty',
    ])
    const first = await call(OPS, 'GET', '/v1/audit?limit=2')
    const second = await call(
      OPS,
      'GET',
      `/v1/audit?limit=2&cursor=${first.body.nextCursor as string}`,
    )
    expect(
      [...(first.body.entries as Seen[]), ...(second.body.entries as Seen[])].map(
        (e) => e.requestId,
      ),
    ).toEqual(expected.slice(0, 4).map((e) => e.requestId))

    // The trail names tokens: a read token may not read it; a bad cursor is a 400.
    const refused = await call(DASH, 'GET', '/v1/audit')
    expect(refused).toMatchObject({
      status: 403,
      body: { detail: 'this token (dash) lacks the admin scope' },
    })
    expect((await call(OPS, 'GET', '/v1/audit?cursor=nope')).status).toBe(400)
    // Reading the trail is not an action: the refused read and the reads above left nothing.
    const after = await call(OPS, 'GET', '/v1/audit?limit=1')
    expect((after.body.entries as Seen[])[0]!.requestId).toBe(expected[0]!.requestId)

    // `jobq audit` reads the same trail.
    const env = { env: { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: h.prefix } }
    const json = h.spawn(cli, ['audit', '--json', '--limit', '3'], env)
    expect(await json.exited).toBe(0)
    const printed = JSON.parse(json.output()) as contracts.AuditPage
    expect(printed.entries).toEqual(entries.slice(0, 3))
    expect(printed.nextCursor).toBe(entries[2]!.id)
    const text = h.spawn(cli, ['audit', '--token', 'dash'], env)
    expect(await text.exited).toBe(0)
    expect(text.output()).toMatch(
      /│ dash +│ POST \/v1\/queues\/\{queue\}\/empty +│ queue=default +│ 0 +│ 403 +│/,
    )
    const bad = h.spawn(cli, ['audit', '--cursor', 'nope'], env)
    expect(await bad.exited).toBe(2)
  })
})

describe('the audit trail with an open API (no JOBQ_API_TOKENS)', () => {
  const h = useAppHarness()

  it('records admin actions as the token `anonymous`', async () => {
    expect((await h.post('/v1/queues/default/pause', {})).status).toBe(200)
    const page = (await (await h.app.request('/v1/audit')).json()) as contracts.AuditPage
    expect(page.entries).toMatchObject([
      { token: 'anonymous', action: 'POST /v1/queues/{queue}/pause', affected: 1, status: 200 },
    ])
  })
})
