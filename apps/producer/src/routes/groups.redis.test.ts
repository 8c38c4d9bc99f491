import { describe, expect, it } from 'vitest'
import { useAppHarness } from '../../test/harness.js'

const put = (body: unknown) => ({
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

describe('flow control routes', () => {
  const h = useAppHarness()

  it('lists the keys with work, busiest first, paged', async () => {
    const res = await h.post('/v1/jobs/demo.tenant-task/bulk', {
      items: [
        ...Array.from({ length: 5 }, () => ({ data: { tenant: 'acme', ms: 1 } })),
        { data: { tenant: 'small', ms: 1 } },
      ],
    })
    expect(res.status).toBe(202)
    const page = await h.app.request('/v1/queues/default/groups?limit=1')
    expect(page.status).toBe(200)
    expect(await page.json()).toEqual({
      total: 2,
      groups: [
        {
          job: 'demo.tenant-task',
          key: 'acme',
          active: 2,
          waiting: 3,
          limits: { concurrency: 2, rate: null },
          overridden: false,
        },
      ],
    })
    const second = (await (await h.app.request('/v1/queues/default/groups?offset=1')).json()) as {
      groups: { key: string; active: number; waiting: number }[]
    }
    expect(second.groups).toMatchObject([{ key: 'small', active: 1, waiting: 0 }])
  })

  it('sets a key’s limits (dispatching at once) and restores the definition’s on DELETE', async () => {
    await h.post('/v1/jobs/demo.tenant-task/bulk', {
      count: 6,
      data: { tenant: 'vip', ms: 1 },
    })
    const set = await h.app.request('/v1/groups/demo.tenant-task/vip', put({ concurrency: 5 }))
    expect(set.status).toBe(200)
    expect(await set.json()).toEqual({
      job: 'demo.tenant-task',
      key: 'vip',
      active: 5,
      waiting: 1,
      limits: { concurrency: 5, rate: null },
      overridden: true,
    })
    const reset = await h.app.request('/v1/groups/demo.tenant-task/vip', { method: 'DELETE' })
    expect(await reset.json()).toMatchObject({ limits: { concurrency: 2 }, overridden: false })
  })

  it('refuses bad limits, a job without a group and an unknown job, changing nothing', async () => {
    const bad = await h.app.request('/v1/groups/demo.tenant-task/x', put({ concurrency: 0 }))
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ type: '/problems/validation' })
    const extra = await h.app.request('/v1/groups/demo.tenant-task/x', put({ conc: 3 }))
    expect(extra.status).toBe(400)
    const plain = await h.app.request('/v1/groups/demo.sleep/x', put({ concurrency: 3 }))
    expect(plain.status).toBe(400)
    const unknown = await h.app.request('/v1/groups/demo.nope/x', put({ concurrency: 3 }))
    expect(unknown.status).toBe(404)
    expect(await (await h.app.request('/v1/queues/nope/groups')).json()).toMatchObject({
      type: '/problems/unknown-queue',
    })
    const listed = await (await h.app.request('/v1/queues/default/groups')).json()
    expect(listed).toEqual({ total: 0, groups: [] })
  })

  it('refuses an enqueue whose group key is empty', async () => {
    const res = await h.post('/v1/jobs/demo.tenant-task', { data: { tenant: '', ms: 1 } })
    expect(res.status).toBe(400)
  })
})
