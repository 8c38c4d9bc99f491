import { describe, expect, it } from 'vitest'
import type * as contracts from '@jobq/queue-core/contracts'
import { useAppHarness } from '../../test/harness.js'

// The admin operations `jobq` has, on HTTP under the same names: one queue's summary, pause and
// resume of every queue, clean, and requeue by ids.
describe('queue admin parity routes', () => {
  const h = useAppHarness()

  /** A response's JSON body, as the contract `T` describes it. */
  const json = async <T = unknown>(res: Response | Promise<Response>) =>
    (await (await res).json()) as T
  const stateOf = async (id: string) =>
    (await json<contracts.JobView>(h.app.request(`/v1/jobs/${id}`))).state
  /** Jobs that fail for good at once (their payload fails the job's schema in the worker). */
  async function failedJobs(...ids: string[]) {
    await h.startWorker(['default'])
    for (const id of ids)
      await h.waiter.queue('default').add('demo.sleep', { ms: 'x' }, { jobId: id })
    for (const id of ids) expect((await h.waiter.finished('default', id)).state).toBe('failed')
    // Paused: a requeued job stays waiting where the test can see it.
    await h.post('/v1/queues/default/pause', {})
  }

  it('GET /v1/queues/{queue} answers that queue’s summary, as GET /v1/queues lists it', async () => {
    await h.post('/v1/jobs/demo.echo', { data: 1 })
    const one = await h.app.request('/v1/queues/default')
    expect(one.status).toBe(200)
    const all = (await json<contracts.QueueList>(h.app.request('/v1/queues'))).queues
    const listed = all.find((q) => q.name === 'default')
    expect(await one.json()).toEqual(listed)
    expect(listed?.counts.waiting).toBe(1)
  })

  it('answers 404 unknown-queue on every route that names a queue', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/v1/queues/nope'],
      ['GET', '/v1/queues/nope/jobs'],
      ...['pause', 'resume', 'empty', 'retry'].map((a): [string, string, unknown] => [
        'POST',
        `/v1/queues/nope/${a}`,
        {},
      ]),
      ['POST', '/v1/queues/nope/retry', { ids: ['some-job'] }],
      ['POST', '/v1/queues/nope/clean', { state: 'failed', olderThanMs: 0 }],
    ]
    for (const [method, path, body] of routes) {
      const res = method === 'GET' ? await h.app.request(path) : await h.post(path, body ?? {})
      expect(res.status, path).toBe(404)
      expect(await res.json(), path).toMatchObject({ type: '/problems/unknown-queue' })
    }
  })

  it('POST /v1/queues/pause and /resume pause and resume every queue', async () => {
    const paused = await h.post('/v1/queues/pause', {})
    expect(paused.status).toBe(200)
    const queues = (await paused.json()) as { queues: { name: string; paused: boolean }[] }
    expect(queues.queues.length).toBeGreaterThan(1)
    expect(queues.queues.every((q) => q.paused)).toBe(true)

    const resumed = await json<typeof queues>(h.post('/v1/queues/resume', {}))
    expect(resumed.queues.map((q) => q.paused)).toEqual(queues.queues.map(() => false))
  })

  it('POST /v1/queues/{queue}/clean removes the jobs of one state older than a duration', async () => {
    await failedJobs('old-1', 'old-2')
    await h.post('/v1/jobs/demo.echo', { data: 1 })
    // Nothing failed more than an hour ago.
    const none = await json(
      h.post('/v1/queues/default/clean', { state: 'failed', olderThanMs: 3_600_000 }),
    )
    expect(none).toMatchObject({ affected: 0, queue: { counts: { failed: 2 } } })
    const res = await h.post('/v1/queues/default/clean', { state: 'failed', olderThanMs: 0 })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      affected: 2,
      queue: { name: 'default', counts: { failed: 0, waiting: 1 } },
    })
    expect((await h.app.request('/v1/jobs/old-1')).status).toBe(404)
  })

  it('clean refuses a bad body with 400 naming the field, and removes nothing', async () => {
    await failedJobs('kept-1')
    const bad: [unknown, string][] = [
      [{ state: 'active', olderThanMs: 0 }, 'state'],
      [{ state: 'bogus', olderThanMs: 0 }, 'state'],
      [{ state: 'failed', olderThanMs: -1 }, 'olderThanMs'],
      [{ state: 'failed', olderThanMs: 1.5 }, 'olderThanMs'],
      [{ state: 'failed' }, 'olderThanMs'],
      [{ state: 'failed', olderThanMs: 0, limit: 1 }, 'body'],
    ]
    for (const [body, path] of bad) {
      const res = await h.post('/v1/queues/default/clean', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      const problem = (await res.json()) as { errors: { path: string }[] }
      expect(problem, JSON.stringify(body)).toMatchObject({ type: '/problems/validation' })
      expect(problem.errors.map((e: { path: string }) => e.path)).toEqual([path])
    }
    expect((await h.app.request('/v1/queues/default/clean', { method: 'POST' })).status).toBe(415)
    expect(await stateOf('kept-1')).toBe('failed')
  })

  it('POST /v1/queues/{queue}/retry with ids requeues only those', async () => {
    await failedJobs('f-1', 'f-2', 'f-3')
    const res = await h.post('/v1/queues/default/retry', { ids: ['f-1', 'f-3'] })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      affected: 2,
      queue: { counts: { failed: 1, waiting: 2 } },
    })
    expect([await stateOf('f-1'), await stateOf('f-2'), await stateOf('f-3')]).toEqual([
      'waiting',
      'failed',
      'waiting',
    ])
    const fresh = await json(h.app.request('/v1/jobs/f-1'))
    expect(fresh).toMatchObject({ attemptsMade: 0, attemptsStarted: 0 })
  })

  it('retry with ids changes nothing unless each is a failed job of that queue', async () => {
    await failedJobs('f-1', 'f-2')
    const done = (await json<contracts.EnqueuedJob>(h.post('/v1/jobs/demo.big-file', { data: {} })))
      .id
    await h.startWorker(['big_file'])
    await h.waiter.finished('big_file', done)
    const waiting = (await json<contracts.EnqueuedJob>(h.post('/v1/jobs/demo.echo', { data: 1 })))
      .id

    const cases: [string[], number, string][] = [
      [['f-1', waiting], 409, '/problems/job-conflict'],
      [['f-1', 'no-such-job'], 404, '/problems/job-not-found'],
      // A job of another queue is no job of this one.
      [['f-1', done], 404, '/problems/job-not-found'],
    ]
    for (const [ids, status, type] of cases) {
      const res = await h.post('/v1/queues/default/retry', { ids })
      expect(res.status, ids.join()).toBe(status)
      expect(await res.json(), ids.join()).toMatchObject({ type })
    }
    for (const body of [{ ids: [] }, { ids: 'f-1' }, { ids: ['a b'] }, { all: true }]) {
      expect((await h.post('/v1/queues/default/retry', body)).status, JSON.stringify(body)).toBe(
        400,
      )
    }
    expect([await stateOf('f-1'), await stateOf('f-2')]).toEqual(['failed', 'failed'])
    expect(
      (await json<contracts.QueueSummary>(h.app.request('/v1/queues/default'))).counts.failed,
    ).toBe(2)
  })

  it('retry without a body (or without ids) requeues every failed job, as before', async () => {
    await failedJobs('f-1', 'f-2')
    const res = await h.app.request('/v1/queues/default/retry', { method: 'POST' })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ affected: 2, queue: { counts: { failed: 0 } } })
  })
})
