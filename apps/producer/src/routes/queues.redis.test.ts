import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../../test/harness.js'

describe('GET /v1/queues/:queue/jobs', () => {
  let h: Harness
  beforeEach(async () => {
    h = await createHarness()
  })
  afterEach(async (context) => {
    await h.close(context.task.result?.state === 'fail')
  })

  it('lists a queue’s jobs by state, newest first, with paging', async () => {
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const res = await h.post('/v1/jobs/demo.echo', { data: { i } })
      ids.push(((await res.json()) as { id: string }).id)
    }
    await h.post('/v1/jobs/demo.sleep', { data: { ms: 1 }, options: { delay: 60_000 } })

    const waiting = await h.app.request('/v1/queues/default/jobs?state=waiting&limit=2')
    expect(waiting.status).toBe(200)
    const page = (await waiting.json()) as { jobs: { id: string; state: string }[] }
    expect(page.jobs.map((j) => j.id)).toEqual([ids[2], ids[1]])
    expect(new Set(page.jobs.map((j) => j.state))).toEqual(new Set(['waiting']))

    const next = await h.app.request('/v1/queues/default/jobs?state=waiting&limit=2&offset=2')
    expect(((await next.json()) as { jobs: { id: string }[] }).jobs.map((j) => j.id)).toEqual([
      ids[0],
    ])

    const delayed = await h.app.request('/v1/queues/default/jobs?state=delayed')
    expect(((await delayed.json()) as { jobs: unknown[] }).jobs).toHaveLength(1)
  })

  it('lists the running jobs as state=active (the seeds’ /list)', async () => {
    await h.startWorker()
    const res = await h.post('/v1/jobs/demo.sleep', { data: { ms: 5_000 } })
    const { id } = (await res.json()) as { id: string }
    await h.waiter.active('default', id)
    const active = await h.app.request('/v1/queues/default/jobs?state=active')
    const body = (await active.json()) as { jobs: { id: string; state: string }[] }
    expect(body.jobs).toEqual([expect.objectContaining({ id, state: 'active' })])
  })

  it('answers 404 for an unknown queue and 400 for a bad query', async () => {
    expect((await h.app.request('/v1/queues/nope/jobs')).status).toBe(404)
    for (const query of ['state=paused', 'limit=0', 'limit=abc', 'offset=-1', 'color=red']) {
      const res = await h.app.request(`/v1/queues/default/jobs?${query}`)
      expect(res.status, query).toBe(400)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
    }
  })
})

describe('health', () => {
  let h: Harness
  beforeEach(async () => {
    h = await createHarness()
  })
  afterEach(async () => {
    await h.close(false)
  })

  it('answers /healthz and /readyz while Redis is reachable', async () => {
    expect(await (await h.app.request('/healthz')).json()).toEqual({ status: 'ok' })
    const ready = await h.app.request('/readyz')
    expect(ready.status).toBe(200)
  })
})
