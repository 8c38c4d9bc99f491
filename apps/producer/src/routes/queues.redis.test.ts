import { describe, expect, it } from 'vitest'
import { useAppHarness } from '../../test/harness.js'

describe('GET /v1/queues/:queue/jobs', () => {
  const h = useAppHarness()

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

describe('GET /v1/queues and the admin actions', () => {
  const h = useAppHarness()

  const summary = async (name: string) => {
    const body = (await (await h.app.request('/v1/queues')).json()) as {
      queues: { name: string; paused: boolean; counts: Record<string, number>; backlog: number }[]
    }
    return body.queues.find((q) => q.name === name)!
  }

  it('lists every queue with counts per state and a backlog that counts prioritized jobs', async () => {
    await h.post('/v1/jobs/demo.echo', { data: 1 })
    await h.post('/v1/jobs/demo.echo', { data: 2, options: { priority: 5 } })
    await h.post('/v1/jobs/demo.echo', { data: 3, options: { delay: 60_000 } })
    const body = (await (await h.app.request('/v1/queues')).json()) as {
      queues: { name: string }[]
    }
    expect(body.queues.map((q) => q.name)).toEqual(['default', 'big_file', 'reports'])
    expect(await summary('default')).toMatchObject({
      paused: false,
      counts: { waiting: 2, delayed: 1, active: 0, completed: 0, failed: 0 },
      backlog: 2,
      workers: 0,
    })
    await h.startWorker(['big_file'])
    expect(await summary('big_file')).toMatchObject({ workers: 1 })
    expect(await summary('default')).toMatchObject({ workers: 0 })
  })

  it('pauses (no worker takes a job) and resumes (the job runs)', async () => {
    const paused = await h.post('/v1/queues/default/pause', {})
    expect(paused.status).toBe(200)
    expect(await paused.json()).toMatchObject({ queue: { name: 'default', paused: true } })
    await h.startWorker(['default'])
    const { id } = (await (await h.post('/v1/jobs/demo.echo', { data: 'later' })).json()) as {
      id: string
    }
    // A job enqueued on another queue completing proves the worker runs; ours must still wait.
    await h.startWorker(['big_file'])
    const other = (await (await h.post('/v1/jobs/demo.big-file', { data: {} })).json()) as {
      id: string
    }
    await h.waiter.finished('big_file', other.id)
    expect(
      ((await (await h.app.request(`/v1/jobs/${id}`)).json()) as { state: string }).state,
    ).toBe('waiting')

    const resumed = await h.post('/v1/queues/default/resume', {})
    expect(await resumed.json()).toMatchObject({ queue: { paused: false } })
    expect(await h.waiter.finished('default', id)).toEqual({
      state: 'completed',
      result: { echo: 'later' },
    })
  })

  it('retries every failed job and empties waiting and delayed jobs', async () => {
    const queue = h.waiter.queue('default')
    await queue.add('demo.sleep', { ms: 'bad' }, { jobId: 'broken-1' })
    await h.startWorker(['default'])
    expect((await h.waiter.finished('default', 'broken-1')).state).toBe('failed')
    expect((await summary('default')).counts.failed).toBe(1)

    await h.post('/v1/queues/default/pause', {})
    const retried = await h.post('/v1/queues/default/retry', {})
    expect(await retried.json()).toMatchObject({
      affected: 1,
      queue: { counts: { failed: 0, waiting: 1 } },
    })

    await h.post('/v1/jobs/demo.echo', { data: 1, options: { delay: 60_000 } })
    const emptied = await h.post('/v1/queues/default/empty', {})
    expect(await emptied.json()).toMatchObject({
      affected: 2,
      queue: { counts: { waiting: 0, delayed: 0 } },
    })
  })

  it('answers 404 for an unknown queue', async () => {
    for (const action of ['pause', 'resume', 'retry', 'empty']) {
      expect((await h.post(`/v1/queues/nope/${action}`, {})).status).toBe(404)
    }
  })
})

describe('health', () => {
  const h = useAppHarness()

  it('answers /healthz and /readyz while Redis is reachable', async () => {
    expect(await (await h.app.request('/healthz')).json()).toEqual({ status: 'ok' })
    const ready = await h.app.request('/readyz')
    expect(ready.status).toBe(200)
  })
})
