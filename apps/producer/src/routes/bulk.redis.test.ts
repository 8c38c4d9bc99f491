import { describe, expect, it } from 'vitest'
import { useAppHarness } from '../../test/harness.js'

describe('POST /v1/jobs/:name/bulk', () => {
  const h = useAppHarness({ bulkMax: 100 })

  it('enqueues every item and answers their ids in order', async () => {
    const res = await h.post('/v1/jobs/demo.echo/bulk', {
      items: [{ data: { n: 1 } }, { data: { n: 2 }, options: { priority: 3 } }, { data: 'three' }],
    })
    expect(res.status).toBe(202)
    const { ids } = (await res.json()) as { ids: string[] }
    expect(ids).toHaveLength(3)
    const datas = await Promise.all(
      ids.map(
        async (id) =>
          ((await (await h.app.request(`/v1/jobs/${id}`)).json()) as { data: unknown }).data,
      ),
    )
    expect(datas).toEqual([{ n: 1 }, { n: 2 }, 'three'])
  })

  it('takes { count, data } for n copies of one payload (the seeds’ /task?n=)', async () => {
    const res = await h.post('/v1/jobs/demo.sleep/bulk', { count: 25, data: { ms: 1 } })
    expect(res.status).toBe(202)
    expect(((await res.json()) as { ids: string[] }).ids).toHaveLength(25)
    expect(await h.jobCount('default')).toBe(25)

    // The one payload is checked once: a bad one is named once, not 25 times.
    const bad = await h.post('/v1/jobs/demo.sleep/bulk', { count: 25, data: { ms: -1 } })
    expect(bad.status).toBe(400)
    const body = (await bad.json()) as { errors: { path: string }[] }
    expect(body.errors.map((e) => e.path)).toEqual(['items.0.data.ms'])
    expect(await h.jobCount('default')).toBe(25)
  })

  it('is all or nothing: one bad item names itself and nothing is enqueued', async () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ data: { ms: i === 7 ? -1 : 1 } }))
    const res = await h.post('/v1/jobs/demo.sleep/bulk', { items })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { errors: { path: string }[] }
    expect(body.errors.map((e) => e.path)).toEqual(['items.7.data.ms'])
    expect(await h.jobCount('default')).toBe(0)
  })

  it('refuses more items than the configured maximum with 413, enqueuing nothing', async () => {
    const res = await h.post('/v1/jobs/demo.echo/bulk', { count: 101, data: 1 })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ type: '/problems/too-many-items' })
    expect(await h.jobCount('default')).toBe(0)
  })

  it('answers 404 for an unknown job and 400 for a body of neither form', async () => {
    expect((await h.post('/v1/jobs/demo.nope/bulk', { count: 1, data: {} })).status).toBe(404)
    expect((await h.post('/v1/jobs/demo.echo/bulk', { items: 'x' })).status).toBe(400)
    expect((await h.post('/v1/jobs/demo.echo/bulk', { count: 0, data: 1 })).status).toBe(400)
  })
})
