import { describe, expect, it } from 'vitest'
import { useAppHarness } from '../../test/harness.js'

describe('DELETE /v1/jobs/:id and POST /v1/jobs/:id/retry', () => {
  const h = useAppHarness()

  const enqueue = async (body: unknown) =>
    ((await (await h.post('/v1/jobs/demo.sleep', body)).json()) as { id: string }).id
  const del = (id: string) => h.app.request(`/v1/jobs/${id}`, { method: 'DELETE' })

  it('removes a waiting or delayed job', async () => {
    const waiting = await enqueue({ data: { ms: 1 } })
    const delayed = await enqueue({ data: { ms: 1 }, options: { delay: 60_000 } })
    for (const id of [waiting, delayed]) {
      const res = await del(id)
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ id, outcome: 'removed' })
      expect((await h.app.request(`/v1/jobs/${id}`)).status).toBe(404)
    }
  })

  it('aborts an active job where it runs: it ends failed "cancelled", not retried', async () => {
    await h.startWorker(['default'])
    const id = await enqueue({ data: { ms: 30_000 } }) // demo.sleep allows 3 attempts
    await h.waiter.active('default', id)
    const res = await del(id)
    expect(await res.json()).toEqual({ id, outcome: 'cancelling' })
    expect(await h.waiter.finished('default', id)).toEqual({ state: 'failed', reason: 'cancelled' })
    const job = (await (await h.app.request(`/v1/jobs/${id}`)).json()) as { attemptsMade: number }
    expect(job.attemptsMade).toBe(1)
  })

  it('answers 409 for a finished job and 404 for an unknown one', async () => {
    await h.startWorker(['default'])
    const id = await enqueue({ data: { ms: 1 } })
    await h.waiter.finished('default', id)
    const res = await del(id)
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ type: '/problems/job-conflict', status: 409 })
    expect((await del('no-such-job')).status).toBe(404)
  })

  it('retries a failed job, and refuses one that has not failed', async () => {
    await h.startWorker(['default'])
    await h.waiter.queue('default').add('demo.sleep', { ms: 'x' }, { jobId: 'failing-1' })
    await h.waiter.finished('default', 'failing-1')
    const retried = await h.post('/v1/jobs/failing-1/retry', {})
    expect(retried.status).toBe(200)
    expect(await retried.json()).toEqual({ id: 'failing-1', state: 'waiting' })
    expect((await h.waiter.finished('default', 'failing-1')).state).toBe('failed')

    const fine = await enqueue({ data: { ms: 1 } })
    await h.waiter.finished('default', fine)
    expect((await h.post(`/v1/jobs/${fine}/retry`, {})).status).toBe(409)
  })
})
