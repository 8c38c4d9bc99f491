import { describe, expect, it } from 'vitest'
import { useAppHarness } from '../../test/harness.js'

const PROBLEM = 'application/problem+json'

describe('GET /v1/jobs (search by declared fields)', () => {
  const h = useAppHarness()

  const order = (customerId: string, region: string, amount = 1) =>
    h.post('/v1/jobs/demo.order', { data: { customerId, region, amount } })

  it('finds demo.order jobs by customerId (and region), newest first, page by page', async () => {
    const ids: string[] = []
    for (const [customer, region] of [
      ['c42', 'eu'],
      ['c7', 'eu'],
      ['c42', 'us'],
      ['c42', 'eu'],
    ]) {
      const res = await order(customer!, region!)
      expect(res.status).toBe(202)
      ids.push(((await res.json()) as { id: string }).id)
    }
    const page = async (query: string) => {
      const res = await h.app.request(`/v1/jobs?${query}`)
      expect(res.status).toBe(200)
      return (await res.json()) as {
        jobs: { id: string; data: unknown }[]
        nextCursor: string | null
      }
    }
    const first = await page('name=demo.order&customerId=c42&limit=2')
    expect(first.jobs).toHaveLength(2)
    expect(first.nextCursor).not.toBeNull()
    const second = await page(`name=demo.order&customerId=c42&limit=2&cursor=${first.nextCursor}`)
    const found = [...first.jobs, ...second.jobs].map((job) => job.id)
    expect(second.nextCursor).toBeNull()
    expect([...found].sort()).toEqual([ids[0], ids[2], ids[3]].sort())
    expect(first.jobs[0]!.data).toEqual({ customerId: 'c42', region: 'eu', amount: 1 })

    const inEu = await page('name=demo.order&customerId=c42&region=EU&queue=default&state=waiting')
    expect(inEu.jobs.map((job) => job.id).sort()).toEqual([ids[0], ids[3]].sort())
  })

  it('answers 400 naming a field the job does not declare, 404 for an unknown job, and documents the route', async () => {
    const bad = await h.app.request('/v1/jobs?name=demo.order&amount=1')
    expect(bad.status).toBe(400)
    expect(bad.headers.get('content-type')).toBe(PROBLEM)
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('amount')
    const twice = await h.app.request('/v1/jobs?name=demo.order&customerId=a&customerId=b')
    expect(twice.status).toBe(400)
    const badLimit = await h.app.request('/v1/jobs?name=demo.order&customerId=a&limit=500')
    expect(badLimit.status).toBe(400)
    expect((await h.app.request('/v1/jobs?name=demo.nope&customerId=a')).status).toBe(404)

    // queue=: an unknown queue is 404, another queue than the job's 400 naming both, and a
    // queue alone (no job name) 400 pointing to the queue's list.
    const unknownQueue = await h.app.request('/v1/jobs?name=demo.order&customerId=a&queue=nope')
    expect(unknownQueue.status).toBe(404)
    expect(((await unknownQueue.json()) as { type: string }).type).toMatch(/unknown-queue/)
    const otherQueue = await h.app.request('/v1/jobs?name=demo.order&customerId=a&queue=reports')
    expect(otherQueue.status).toBe(400)
    const otherDetail = ((await otherQueue.json()) as { detail: string }).detail
    expect(otherDetail).toContain('"demo.order"')
    expect(otherDetail).toContain('"default"')
    expect(otherDetail).toContain('"reports"')
    const queueAlone = await h.app.request('/v1/jobs?queue=default&customerId=a')
    expect(queueAlone.status).toBe(400)
    const aloneBody = (await queueAlone.json()) as { detail: string; errors: { path: string }[] }
    expect(aloneBody.errors[0]!.path).toBe('name')
    expect(aloneBody.detail).toContain('GET /v1/queues/default/jobs')

    const doc = (await (await h.app.request('/openapi.json')).json()) as {
      paths: Record<string, { get?: { parameters?: { name: string }[] } }>
    }
    const names = doc.paths['/v1/jobs']!.get!.parameters!.map((p) => p.name)
    expect(names).toEqual(
      expect.arrayContaining(['name', 'queue', 'state', 'from', 'to', 'reason', 'cursor']),
    )
  })
})
