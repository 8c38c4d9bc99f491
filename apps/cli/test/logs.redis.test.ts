import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { spawnNode, testRedisUrl, useHarness } from '@jobq/queue-core/testing'

const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url))

describe('jobq logs (built, against real Redis)', () => {
  const h = useHarness({ label: 'cli-logs' })
  const env = () => ({ REDIS_URL: testRedisUrl(), JOBQ_PREFIX: h.prefix, NO_COLOR: '1' })

  async function jobq(...args: string[]) {
    const run = spawnNode(cli, args, { env: env() })
    const code = await run.exited
    return { code, out: run.output() }
  }

  /** Enqueues a 3 s demo.sleep (a log line every 300 ms): its id. */
  async function sleeper(): Promise<string> {
    const run = await jobq('enqueue', 'demo.sleep', '--data', '{"ms":3000}', '--json')
    expect(run.code, run.out).toBe(0)
    return (JSON.parse(run.out) as { id: string }).id
  }

  async function worker() {
    const run = h.track(
      'jobq worker',
      spawnNode(cli, ['worker', 'default'], { env: env() }),
      (p) => {
        p.child.kill('SIGTERM')
        return p.exited
      },
    )
    await run.waitFor(/worker taking jobs/)
  }

  it('--follow prints lines as the running job writes them and exits 0 when it completes', async () => {
    const id = await sleeper()
    const follow = h.spawn(cli, ['logs', id, '--follow'], { env: env() })
    await worker()
    // A line of the running job, printed while the job has more to write.
    await follow.waitFor(/step 1 of 10 done/)
    expect(follow.output()).not.toContain('slept 3000 ms')
    expect(await follow.exited).toBe(0)
    const out = follow.output()
    expect(out).toMatch(/INFO +#1 sleeping 3000 ms in 10 steps/)
    expect(out).toContain('step 10 of 10 done')
    expect(out.trimEnd().split('\n').at(-1)).toMatch(/slept 3000 ms/)
    // Without --follow: the page as it is; with --json, the lines as objects.
    const page = await jobq('logs', id, '--json', '--offset', '11')
    expect(page.code, page.out).toBe(0)
    expect(JSON.parse(page.out)).toMatchObject({ total: 12, state: 'completed' })
  })

  it('--follow exits 1 when the job fails (cancelled while followed); unknown id exits non-zero', async () => {
    const id = await sleeper()
    await worker()
    const follow = h.spawn(cli, ['logs', id, '--follow', '--json'], { env: env() })
    await follow.waitFor(/"step":1/)
    expect((await jobq('cancel', id)).code).toBe(0)
    expect(await follow.exited).toBe(1)
    expect(follow.output()).toMatch(new RegExp(`job ${id} failed`))
    const unknown = await jobq('logs', '3f1c9a57-0d2e-4b8a-9c1d-7e6f5a4b3c2d')
    expect(unknown.code).not.toBe(0)
    expect(unknown.out).toMatch(/not found|no job/i)
    expect((await jobq('logs', id, '--limit', '0')).code).toBe(2)
  })
})
