import { describe, expect, it } from 'vitest'
import { useAppHarness } from '../../test/harness.js'

const PROBLEM = 'application/problem+json'

describe('POST /v1/jobs/:name and GET /v1/jobs/:id', () => {
  const h = useAppHarness({ bodyLimitBytes: 4_096 })

  it('enqueues over HTTP and the job completes with the handler result', async () => {
    await h.startWorker()
    const res = await h.post('/v1/jobs/demo.sleep', { data: { ms: 20, message: 'hi' } })
    expect(res.status).toBe(202)
    const enqueued = (await res.json()) as { id: string; state: string; queue: string }
    expect(enqueued).toMatchObject({ queue: 'default', state: 'waiting' })
    expect(res.headers.get('location')).toBe(`/v1/jobs/${enqueued.id}`)

    await h.waiter.finished('default', enqueued.id)
    const job = await h.app.request(`/v1/jobs/${enqueued.id}`)
    expect(job.status).toBe(200)
    expect(await job.json()).toMatchObject({
      id: enqueued.id,
      name: 'demo.sleep',
      state: 'completed',
      data: { ms: 20, message: 'hi' },
      result: { sleptMs: 20, message: 'hi' },
      attemptsMade: 1,
    })
  })

  it('answers 400 with the schema issues and enqueues nothing', async () => {
    const res = await h.post('/v1/jobs/demo.sleep', { data: { ms: -1, message: 5 } })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe(PROBLEM)
    const body = (await res.json()) as { errors: { path: string }[]; requestId: string }
    expect(body).toMatchObject({ type: '/problems/validation', status: 400, title: 'Bad Request' })
    expect(body.errors.map((e) => e.path).sort()).toEqual(['data.message', 'data.ms'])
    expect(body).toMatchObject({ detail: 'invalid input for job "demo.sleep"' })
    expect(body.requestId).toMatch(/[0-9a-f-]{36}/)
    expect(await h.jobCount('default')).toBe(0)
  })

  it('answers 400 for an envelope that is not { data, options }', async () => {
    const res = await h.post('/v1/jobs/demo.echo', { payload: 1 })
    expect(res.status).toBe(400)
    expect(await h.jobCount('default')).toBe(0)
  })

  it('answers 400 for bad options, naming them', async () => {
    const res = await h.post('/v1/jobs/demo.echo', { data: 1, options: { jobId: 'a b' } })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { errors: { path: string }[] }
    expect(body.errors.map((e) => e.path)).toEqual(['options.jobId'])
  })

  it('answers 404 for an unknown job and enqueues nothing', async () => {
    const res = await h.post('/v1/jobs/demo.nope', { data: {} })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe(PROBLEM)
    expect(await res.json()).toMatchObject({ type: '/problems/unknown-job' })
    expect(await h.jobCount('default')).toBe(0)
  })

  it('answers 413 for a body over the limit', async () => {
    const res = await h.post('/v1/jobs/demo.echo', { data: 'x'.repeat(5_000) })
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toBe(PROBLEM)
    expect(await h.jobCount('default')).toBe(0)
  })

  it('answers 415 for a body that is not JSON, and 400 for malformed JSON', async () => {
    const text = await h.post('/v1/jobs/demo.echo', 'data=1', { 'content-type': 'text/plain' })
    expect(text.status).toBe(415)
    const broken = await h.post('/v1/jobs/demo.echo', '{"data":')
    expect(broken.status).toBe(400)
    expect(await broken.json()).toMatchObject({ type: '/problems/malformed-json' })
    expect(await h.jobCount('default')).toBe(0)
  })

  it('honours delay and jobId: the same key answers the job it made (200), never a second', async () => {
    const body = { data: { ms: 1 }, options: { delay: 60_000, jobId: 'report-2026-11' } }
    const first = await h.post('/v1/jobs/demo.sleep', body)
    expect(first.status).toBe(202)
    const made = (await first.json()) as { id: string }
    // The id is jobq's, never the key.
    expect(made).toMatchObject({ state: 'delayed', created: true })
    expect(made.id).not.toBe('report-2026-11')
    const again = await h.post('/v1/jobs/demo.sleep', { ...body, data: { ms: 2 } })
    expect(again.status).toBe(200)
    expect(await again.json()).toMatchObject({ id: made.id, state: 'delayed', created: false })
    expect(await h.jobCount('default')).toBe(1)
    const stored = (await (await h.app.request(`/v1/jobs/${made.id}`)).json()) as {
      data: unknown
    }
    expect(stored.data).toEqual({ ms: 1, message: '' })
  })

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const unknown = await h.app.request('/v1/jobs/no-such-job')
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('content-type')).toBe(PROBLEM)
    for (const bad of ['..%2F..%2Fetc', '%20', 'a:b', 'repeat:a:b', 'x'.repeat(257)]) {
      const res = await h.app.request(`/v1/jobs/${bad}`)
      expect(res.status, bad).toBe(400)
    }
    // Shapes BullMQ and jobq make (numeric, a schedule's run, a fan-out child): looked up.
    for (const absent of ['12345', 'repeat:jobq.demo.sleep:1796044830000', 'x.c0.c1']) {
      expect((await h.app.request(`/v1/jobs/${absent}`)).status, absent).toBe(404)
    }
  })

  it('answers 404 problem+json for a route that does not exist', async () => {
    const res = await h.app.request('/v2/nothing')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe(PROBLEM)
  })
})
