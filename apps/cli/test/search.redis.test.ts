import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { spawnNode, testRedisUrl, useHarness } from '@jobq/queue-core/testing'

const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url))

describe('jobq search (built, against real Redis)', () => {
  const h = useHarness({ label: 'cli-search' })

  async function jobq(...args: string[]) {
    const env = { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: h.prefix, NO_COLOR: '1' }
    const run = spawnNode(cli, args, { env })
    const code = await run.exited
    return { code, out: run.output() }
  }

  it('finds jobs by declared fields, as JSON and as a table', async () => {
    const enqueue = (data: object) =>
      jobq('enqueue', 'demo.order', '--data', JSON.stringify(data), '--json')
    const ids: string[] = []
    for (const data of [
      { customerId: 'c42', region: 'eu', amount: 1 },
      { customerId: 'c7', region: 'eu', amount: 2 },
      { customerId: 'c42', region: 'us', amount: 3 },
    ]) {
      const run = await enqueue(data)
      expect(run.code, run.out).toBe(0)
      ids.push((JSON.parse(run.out) as { id: string }).id)
    }
    const found = await jobq('search', 'demo.order', 'customerId=c42', '--json')
    expect(found.code, found.out).toBe(0)
    const page = JSON.parse(found.out) as { jobs: { id: string }[]; nextCursor: string | null }
    expect(page.jobs.map((job) => job.id).sort()).toEqual([ids[0], ids[2]].sort())
    expect(page.nextCursor).toBeNull()

    const inUs = await jobq(
      'search',
      'demo.order',
      'customerId=c42',
      'region=us',
      '--state',
      'waiting',
    )
    expect(inUs.code, inUs.out).toBe(0)
    expect(inUs.out).toContain(ids[2])
    expect(inUs.out).not.toContain(ids[0])

    const inDefault = await jobq('search', 'demo.order', 'customerId=c7', '--queue', 'default')
    expect(inDefault.code, inDefault.out).toBe(0)
    expect(inDefault.out).toContain(ids[1])
  })

  it('exits 2 for a malformed filter, an undeclared field, a bad state, a wrong or unknown queue', async () => {
    const malformed = await jobq('search', 'demo.order', 'customerId')
    expect(malformed.code).toBe(2)
    expect(malformed.out).toMatch(/FIELD=VALUE/)
    const undeclared = await jobq('search', 'demo.order', 'amount=1')
    expect(undeclared.code).toBe(2)
    expect(undeclared.out).toMatch(/not a search field/)
    expect((await jobq('search', 'demo.order', 'customerId=c1', '--state', 'nope')).code).toBe(2)
    const otherQueue = await jobq('search', 'demo.order', 'customerId=c1', '--queue', 'reports')
    expect(otherQueue.code).toBe(2)
    expect(otherQueue.out).toMatch(/runs on queue "default", not on queue "reports"/)
    const unknownQueue = await jobq('search', 'demo.order', 'customerId=c1', '--queue', 'nope')
    expect(unknownQueue.code).toBe(2)
    expect(unknownQueue.out).toMatch(/unknown queue "nope"/)
  })
})
