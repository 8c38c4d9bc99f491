import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { spawnNode, testRedisUrl, useHarness } from '@jobq/queue-core/testing'

const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url))

// demo.refresh declares `dedupe` (mode dedupe, keyed by input.key).
describe('jobq enqueue prints what dedupe did (built, as a subprocess, against real Redis)', () => {
  const h = useHarness({ label: 'cli-dedupe' })

  async function jobq(...args: string[]) {
    const run = spawnNode(cli, args, {
      env: { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: h.prefix, NO_COLOR: '1' },
    })
    const code = await run.exited
    return { code, out: run.output() }
  }

  it('prints created, then deduplicated with the same job; --json carries the outcome', async () => {
    const first = await jobq('enqueue', 'demo.refresh', '--data', '{"key":"home"}', '--json')
    expect(first.code, first.out).toBe(0)
    const made = JSON.parse(first.out) as { id: string; outcome: string; created: boolean }
    expect(made).toMatchObject({ outcome: 'created', created: true })
    const again = await jobq('enqueue', 'demo.refresh', '--data', '{"key":"home"}')
    expect(again.code, again.out).toBe(0)
    expect(again.out.trim()).toBe(
      `${made.id}  demo.refresh on default, waiting (deduplicated: this job already holds its dedupe key)`,
    )
    const json = await jobq('enqueue', 'demo.refresh', '--data', '{"key":"home"}', '--json')
    expect(JSON.parse(json.out)).toMatchObject({ id: made.id, outcome: 'deduplicated' })
  })

  it('--count reports the outcomes; an idempotency key is refused with exit 2', async () => {
    const many = await jobq(
      'enqueue',
      'demo.refresh',
      '--data',
      '{"key":"k"}',
      '--count',
      '3',
      '--json',
    )
    expect(many.code, many.out).toBe(0)
    expect(JSON.parse(many.out)).toMatchObject({
      created: 1,
      outcomes: { created: 1, deduplicated: 2 },
    })
    const keyed = await jobq('enqueue', 'demo.refresh', '--data', '{"key":"x"}', '--job-id', 'a1')
    expect(keyed.code).toBe(2)
    expect(keyed.out).toMatch(/options.jobId.*declares dedupe/)
    expect(await h.waiter.counts('default')).toMatchObject({ waiting: 1 })
  })
})
