import { describe, expect, it } from 'vitest'
import { createClient } from '@jobq/client'
import type { EnqueuedJob } from '@jobq/queue-core'
import { useAppHarness } from './harness.js'

// demo.refresh declares `dedupe: { key: input.key, mode: 'dedupe' }`: a refresh of a key that is
// already waiting or running covers a new one. Every answer is checked against the OpenAPI
// document by the harness.
describe('POST /v1/jobs/demo.refresh: the enqueue answer says what dedupe did', () => {
  const h = useAppHarness()
  const refresh = async (key: string, more: object = {}) => {
    const res = await h.post('/v1/jobs/demo.refresh', { data: { key }, ...more })
    return { status: res.status, location: res.headers.get('location'), body: await res.json() }
  }

  it('answers 202 created, then 200 deduplicated with the waiting job and its Location', async () => {
    const first = await refresh('home')
    expect(first.status).toBe(202)
    const made = first.body as EnqueuedJob
    expect(made).toMatchObject({ outcome: 'created', created: true, state: 'waiting' })
    expect(first.location).toBe(`/v1/jobs/${made.id}`)
    const again = await refresh('home')
    expect(again).toMatchObject({
      status: 200,
      location: `/v1/jobs/${made.id}`,
      body: { id: made.id, outcome: 'deduplicated', created: false, state: 'waiting' },
    })
    const other = await refresh('pricing')
    expect(other).toMatchObject({ status: 202, body: { outcome: 'created' } })
    expect(await h.jobCount('default')).toBe(2)
  })

  it('gives one 202 among 25 concurrent requests for one key, the others 200 with its id', async () => {
    const answers = await Promise.all(Array.from({ length: 25 }, () => refresh('hot')))
    const made = answers.filter((a) => a.status === 202)
    expect(made).toHaveLength(1)
    const id = (made[0]!.body as EnqueuedJob).id
    for (const answer of answers.filter((a) => a.status !== 202)) {
      expect(answer).toMatchObject({ status: 200, body: { id, outcome: 'deduplicated' } })
    }
    expect(await h.jobCount('default')).toBe(1)
  })

  it('answers each item of a bulk, and takes the key again once the job completed', async () => {
    const res = await h.post('/v1/jobs/demo.refresh/bulk', {
      items: [{ data: { key: 'a' } }, { data: { key: 'a' } }, { data: { key: 'b' } }],
    })
    expect(res.status).toBe(202)
    const bulk = (await res.json()) as { ids: string[]; outcomes: string[] }
    expect(bulk.outcomes).toEqual(['created', 'deduplicated', 'created'])
    expect(bulk.ids[1]).toBe(bulk.ids[0])
    await h.startWorker(['default'])
    expect((await h.waiter.finished('default', bulk.ids[0]!)).state).toBe('completed')
    const after = await refresh('a')
    expect(after).toMatchObject({ status: 202, body: { outcome: 'created' } })
    expect((after.body as EnqueuedJob).id).not.toBe(bulk.ids[0])
  })

  it('refuses an idempotency key on a deduplicated job (400, options.jobId), enqueuing nothing', async () => {
    const res = await refresh('home', { options: { jobId: 'req-1' } })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ type: '/problems/validation', status: 400 })
    const { errors } = res.body as { errors: { path: string; message: string }[] }
    expect(errors.map((e) => e.path)).toEqual(['options.jobId'])
    expect(errors[0]!.message).toMatch(/declares dedupe/)
    expect(await h.jobCount('default')).toBe(0)
  })

  it('the typed client reads the outcome', async () => {
    const client = createClient({ baseUrl: await h.listen() })
    const first = await client.enqueue('demo.refresh', { key: 'typed' })
    const again = await client.enqueue('demo.refresh', { key: 'typed' })
    expect([first.outcome, again.outcome]).toEqual(['created', 'deduplicated'])
    expect(again.id).toBe(first.id)
    const many = await client.enqueueMany('demo.refresh', [
      { data: { key: 'typed' } },
      { data: { key: 'other' } },
    ])
    expect(many.outcomes).toEqual(['deduplicated', 'created'])
  })
})
