import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { spawnNode, testRedisUrl, useHarness } from '@jobq/queue-core/testing'

const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url))

describe('jobq groups, jobq group set|reset (built, against real Redis)', () => {
  const h = useHarness({ label: 'cli-groups' })

  async function jobq(...args: string[]) {
    const env = { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: h.prefix, NO_COLOR: '1' }
    const run = spawnNode(cli, args, { env })
    const code = await run.exited
    return { code, out: run.output() }
  }

  it('sets a key’s limits, lists the key busiest first, and resets it', async () => {
    const enqueued = await jobq(
      'enqueue',
      'demo.tenant-task',
      '--data',
      '{"tenant":"acme","ms":1}',
      '--count',
      '4',
    )
    expect(enqueued.code, enqueued.out).toBe(0)
    const set = await jobq(
      'group',
      'set',
      'demo.tenant-task',
      'acme',
      '-c',
      '3',
      '--rate',
      '10/1m',
      '--json',
    )
    expect(set.code, set.out).toBe(0)
    expect(JSON.parse(set.out)).toMatchObject({
      active: 3,
      waiting: 1,
      limits: { concurrency: 3, rate: { max: 10, durationMs: 60_000 } },
      overridden: true,
    })
    const listed = await jobq('groups', 'default')
    expect(listed.code, listed.out).toBe(0)
    expect(listed.out).toMatch(
      /demo\.tenant-task[\s│]+acme[\s│]+3[\s│]+1[\s│]+3, 10\/60000ms \(override\)/,
    )
    const reset = await jobq('group', 'reset', 'demo.tenant-task', 'acme', '--json')
    expect(JSON.parse(reset.out)).toMatchObject({ limits: { concurrency: 2, rate: null } })
  })

  it('exits 2 for a bad rate, a job without a group, or an unknown queue', async () => {
    expect((await jobq('group', 'set', 'demo.tenant-task', 'x', '--rate', '10')).code).toBe(2)
    const plain = await jobq('group', 'set', 'demo.sleep', 'x', '-c', '2')
    expect(plain.code).toBe(2)
    expect(plain.out).toMatch(/declares no group/)
    expect((await jobq('groups', 'nope')).code).toBe(2)
  })
})
