import { describe, expect, it } from 'vitest'
import { useAppHarness } from '../../test/harness.js'

interface Logs {
  id: string
  lines: { attempt?: number; level?: string; message: string; fields?: object }[]
  total: number
  state: string
}

describe('GET /v1/jobs/{id}/logs', () => {
  const h = useAppHarness()

  it("serves a job's log lines, oldest first, a page at a time", async () => {
    await h.startWorker()
    const res = await h.post('/v1/jobs/demo.sleep', { data: { ms: 1_000, message: 'hi' } })
    const { id } = (await res.json()) as { id: string }
    await h.waiter.finished('default', id)

    const all = await h.app.request(`/v1/jobs/${id}/logs`)
    expect(all.status).toBe(200)
    const body = (await all.json()) as Logs
    expect(body).toMatchObject({ id, total: 12, state: 'completed' })
    expect(body.lines[0]).toMatchObject({
      attempt: 1,
      level: 'info',
      message: 'sleeping 1000 ms in 10 steps',
      fields: { ms: 1_000, steps: 10 },
    })
    expect(body.lines.at(-1)).toMatchObject({ message: 'slept 1000 ms', fields: { message: 'hi' } })

    const page = (await (
      await h.app.request(`/v1/jobs/${id}/logs?offset=10&limit=1`)
    ).json()) as Logs
    expect(page.lines.map((l) => l.message)).toEqual(['step 10 of 10 done'])
    expect(page.total).toBe(12)
  })

  it('answers 404 for an unknown id and 400 for a malformed id or page', async () => {
    const unknown = await h.app.request('/v1/jobs/3f1c9a57-0d2e-4b8a-9c1d-7e6f5a4b3c2d/logs')
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ type: '/problems/job-not-found' })
    for (const bad of ['a:b', '%20', 'x'.repeat(257)]) {
      const res = await h.app.request(`/v1/jobs/${bad}/logs`)
      expect(res.status, bad).toBe(400)
      expect(await res.json()).toMatchObject({ type: '/problems/malformed-id' })
    }
    const badLimit = await h.app.request(
      '/v1/jobs/3f1c9a57-0d2e-4b8a-9c1d-7e6f5a4b3c2d/logs?limit=0',
    )
    expect(badLimit.status).toBe(400)
    expect(await badLimit.json()).toMatchObject({ type: '/problems/validation' })
  })
})
