import { describe, expect, it } from 'vitest'
import { eventually } from '@jobq/queue-core/testing'
import { useAppHarness } from '../../test/harness.js'

const PROBLEM = 'application/problem+json'

interface Page {
  jobs: { id: string; state: string; data: unknown }[]
  nextCursor: string | null
}
interface Operation {
  id: string
  state: string
  matched: number
  done: number
  skipped: number
}

describe('dead letters and bulk actions over HTTP', () => {
  const h = useAppHarness()

  const order = async (customerId: string, amount: number) => {
    const res = await h.post('/v1/jobs/demo.order', { data: { customerId, region: 'eu', amount } })
    expect(res.status).toBe(202)
    return ((await res.json()) as { id: string }).id
  }
  const json = async <T>(path: string) => {
    const res = await h.app.request(path)
    expect(res.status, path).toBe(200)
    return (await res.json()) as T
  }

  it('lists dead letters by filter, counts them in /metrics, and redrives them with a checked payload', async () => {
    await h.startWorker(['default'])
    const dead = [await order('c42', -1), await order('c42', -2), await order('c7', -3)]
    const fine = await order('c42', 5)
    await eventually(
      () => Promise.all(dead.map((id) => json<{ state: string }>(`/v1/jobs/${id}`))),
      (jobs) => jobs.every((job) => job.state === 'failed'),
    )
    await eventually(
      () => json<{ state: string }>(`/v1/jobs/${fine}`),
      (j) => j.state === 'completed',
    )

    const ofC42 = await json<Page>('/v1/dead-letters?name=demo.order&customerId=c42')
    expect(ofC42.jobs.map((job) => job.id).sort()).toEqual([dead[0], dead[1]].sort())
    const negative = await json<Page>('/v1/dead-letters?queue=default&reason=NEGATIVE')
    expect(negative.jobs.map((job) => job.id).sort()).toEqual([...dead].sort())
    expect(negative.nextCursor).toBeNull()
    const metrics = await (await h.app.request('/metrics')).text()
    expect(metrics).toMatch(/^jobq_dead_letters\{queue="default"\} 3$/m)

    const filter = { name: 'demo.order', customerId: 'c42' }
    const dry = await h.post('/v1/dead-letters/redrive?dryRun=true', { filter })
    expect(dry.status).toBe(200)
    expect(await dry.json()).toEqual({ action: 'redrive', dryRun: true, matched: 2, more: false })

    const invalid = await h.post('/v1/dead-letters/redrive', {
      filter,
      data: { customerId: 'c42', region: 'eu', amount: 'ten' },
    })
    expect(invalid.status).toBe(400)
    expect(invalid.headers.get('content-type')).toBe(PROBLEM)
    expect(JSON.stringify(await invalid.json())).toContain('data.amount')
    expect((await json<Page>('/v1/dead-letters?queue=default')).jobs).toHaveLength(3)

    const started = await h.post('/v1/dead-letters/redrive', {
      filter,
      data: { customerId: 'c42', region: 'eu', amount: 10 },
    })
    expect(started.status).toBe(202)
    const op = (await started.json()) as Operation
    expect(op).toMatchObject({ state: 'running', matched: 2 })
    const end = await eventually(
      () => json<Operation>(`/v1/operations/${op.id}`),
      (o) => o.state !== 'running',
    )
    expect(end).toMatchObject({ state: 'done', done: 2, skipped: 0 })
    await eventually(
      () => Promise.all([dead[0], dead[1]].map((id) => json<{ state: string }>(`/v1/jobs/${id}`))),
      (jobs) => jobs.every((job) => job.state === 'completed'),
    )
    expect((await json<Page>('/v1/dead-letters?queue=default')).jobs.map((j) => j.id)).toEqual([
      dead[2],
    ])
  })

  it('acts on a filter through /v1/jobs/actions/{action}, refuses bad requests, and documents the routes', async () => {
    const ids = [await order('c1', 1), await order('c1', 2)]
    const dry = await h.post('/v1/jobs/actions/cancel?dryRun=true', {
      filter: { name: 'demo.order', customerId: 'c1', state: 'waiting' },
    })
    expect(await dry.json()).toMatchObject({ matched: 2 })
    const res = await h.post('/v1/jobs/actions/cancel', { ids })
    expect(res.status).toBe(202)
    const op = (await res.json()) as Operation
    await eventually(
      () => json<Operation>(`/v1/operations/${op.id}`),
      (o) => o.state === 'done' && o.done === 2,
    )
    expect(await h.jobCount('default')).toBe(0)

    expect((await h.post('/v1/jobs/actions/explode', { ids })).status).toBe(400)
    expect((await h.post('/v1/jobs/actions/remove', {})).status).toBe(400)
    const noState = await h.post('/v1/jobs/actions/remove', { filter: { queue: 'default' } })
    expect(noState.status).toBe(400)
    expect(
      (await h.post('/v1/jobs/actions/remove', { filter: { queue: 'nope', state: 'waiting' } }))
        .status,
    ).toBe(404)
    const unknown = await h.app.request('/v1/operations/no-such-operation')
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('content-type')).toBe(PROBLEM)

    const doc = (await (await h.app.request('/openapi.json')).json()) as {
      paths: Record<string, unknown>
    }
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/dead-letters',
        '/v1/dead-letters/redrive',
        '/v1/jobs/actions/{action}',
        '/v1/operations/{id}',
      ]),
    )
  })
})
