import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { registry } from '@jobq/jobs'
import { startWorker } from '@jobq/queue-core'
import { spawnNode, testRedisUrl, useHarness } from '@jobq/queue-core/testing'

const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url))

describe('jobq bulk (built, against real Redis)', () => {
  const h = useHarness({ label: 'cli-bulk', registry })

  async function jobq(...args: string[]) {
    const env = { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: h.prefix, NO_COLOR: '1' }
    const run = spawnNode(cli, args, { env })
    const code = await run.exited
    return { code, out: run.output() }
  }
  const counts = () => h.waiter.counts('default')

  it('answers the dry-run count, refuses without --yes off a terminal, then acts with --yes --json', async () => {
    for (const customerId of ['c42', 'c42', 'c42', 'c7']) {
      const data = JSON.stringify({ customerId, region: 'eu', amount: 1 })
      const run = await jobq('enqueue', 'demo.order', '--data', data, '--delay', '3600000')
      expect(run.code, run.out).toBe(0)
    }
    const filter = ['promote', 'demo.order', 'customerId=c42']

    const dry = await jobq('bulk', ...filter, '--dry-run', '--json')
    expect(dry.code, dry.out).toBe(0)
    expect(JSON.parse(dry.out)).toEqual({
      action: 'promote',
      dryRun: true,
      matched: 3,
      more: false,
    })
    expect((await jobq('bulk', ...filter, '--dry-run')).out).toContain('3 job(s) match')
    expect((await counts()).delayed).toBe(4)

    const unasked = await jobq('bulk', ...filter)
    expect(unasked.code).toBe(2)
    expect(unasked.out).toMatch(/promote 3 job\(s\)\?.*--yes/s)
    expect((await counts()).delayed).toBe(4)

    const done = await jobq('bulk', ...filter, '--yes', '--json')
    expect(done.code, done.out).toBe(0)
    expect(JSON.parse(done.out)).toMatchObject({
      action: 'promote',
      state: 'done',
      matched: 3,
      done: 3,
      skipped: 0,
    })
    expect(await counts()).toMatchObject({ delayed: 1, waiting: 3 })
  })

  it('exits 2 for an unknown action, a bad filter or an invalid redrive payload, changing nothing', async () => {
    const data = JSON.stringify({ customerId: 'c1', region: 'eu', amount: 1 })
    expect((await jobq('enqueue', 'demo.order', '--data', data)).code).toBe(0)
    const bad = [
      ['bulk', 'explode', '--queue', 'default', '--yes'],
      ['bulk', 'remove', '--queue', 'default', '--yes'],
      ['bulk', 'remove', 'customerId=c1', '--yes'],
      ['bulk', 'redrive', 'demo.order', 'customerId=c1', '--data', '{"amount":"x"}', '--yes'],
      ['bulk', 'redrive', 'demo.order', 'customerId=c1', '--data', '{oops', '--yes'],
    ]
    for (const args of bad) {
      const run = await jobq(...args)
      expect(run.code, `${args.join(' ')}: ${run.out}`).toBe(2)
    }
    expect((await counts()).waiting).toBe(1)
  })

  it('lists dead letters by queue, reason and search field', async () => {
    const data = JSON.stringify({ customerId: 'c9', region: 'eu', amount: -5 })
    const run = await jobq('enqueue', 'demo.order', '--data', data, '--json')
    expect(run.code, run.out).toBe(0)
    const { id } = JSON.parse(run.out) as { id: string }
    await h.worker(startWorker, { queues: ['default'] })
    expect((await h.waiter.finished('default', id)).state).toBe('failed')

    const all = await jobq('dead-letters', '--queue', 'default', '--reason', 'NEGATIVE', '--json')
    expect(all.code, all.out).toBe(0)
    expect((JSON.parse(all.out) as { jobs: { id: string }[] }).jobs.map((j) => j.id)).toEqual([id])
    const byField = await jobq('dead-letters', 'demo.order', 'customerId=c9')
    expect(byField.code, byField.out).toBe(0)
    expect(byField.out).toContain(id)
    expect(byField.out).toContain('negative')
    expect((await jobq('dead-letters')).code).toBe(2)
  })
})
