import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeEach, describe, expect, it } from 'vitest'
import { idempotencyKeyOf } from '@jobq/queue-core'
import { spawnNode, testRedisUrl, useHarness, type JobWaiter } from '@jobq/queue-core/testing'

const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url))

describe('the jobq command line (built, as a subprocess, against real Redis)', () => {
  const h = useHarness({ label: 'cli' })
  let dir: string
  let prefix: string
  let waiter: JobWaiter

  beforeEach(() => {
    ;({ prefix, waiter } = h)
    dir = h.scratchDir()
  })

  const env = () => ({
    REDIS_URL: testRedisUrl(),
    JOBQ_PREFIX: prefix,
    JOBQ_DEMO_FILE: join(dir, 'large_file.txt'),
    JOBQ_DEMO_FILE_MB: '1',
    NO_COLOR: '1',
  })

  /** Runs `jobq ...args` to the end; answers its exit code and everything it printed. */
  async function jobq(...args: string[]) {
    const run = spawnNode(cli, args, { env: env() })
    const code = await run.exited
    return { code, out: run.output() }
  }
  const json = async <T>(...args: string[]) => {
    const { code, out } = await jobq(...args, '--json')
    expect(code, out).toBe(0)
    return JSON.parse(out) as T
  }

  /** `jobq worker ...args` in the background, resolved once it takes jobs. */
  async function worker(...args: string[]) {
    // Stopped as an operator would (SIGTERM, then its exit awaited) when the test ends.
    const run = h.track('jobq worker', spawnNode(cli, ['worker', ...args], { env: env() }), (p) => {
      p.child.kill('SIGTERM')
      return p.exited
    })
    await run.waitFor(/worker taking jobs/)
    return run
  }

  it('prints help with examples and exits 0; usage mistakes exit 2', async () => {
    const help = await jobq('--help')
    expect(help.code).toBe(0)
    expect(help.out).toMatch(/Examples:[\s\S]*jobq enqueue demo.sleep/)
    const sub = await jobq('enqueue', '--help')
    expect(sub.out).toContain('--data <json|@file>')
    expect((await jobq('nonsense')).code).toBe(2)
    expect((await jobq('jobs', 'default', '--state', 'paused')).out).toMatch(
      /must be one of waiting/,
    )
    expect((await jobq('jobs', 'default', '--limit', 'x')).code).toBe(2)
    expect((await jobq('jobs', 'nope')).out).toMatch(
      /unknown queue "nope" \(known: default, big_file, reports\)/,
    )
  })

  it('refuses a bad payload and an unknown job before sending anything (exit 2, field named)', async () => {
    const bad = await jobq('enqueue', 'demo.sleep', '--data', '{"ms":"soon"}')
    expect(bad.code).toBe(2)
    expect(bad.out).toMatch(/data\.ms: .*expected number/)
    const many = await jobq('enqueue', 'demo.sleep', '--data', '{"ms":-1}', '--count', '50')
    expect(many.code).toBe(2)
    const unknown = await jobq('enqueue', 'demo.nope', '--data', '{}')
    expect(unknown.code).toBe(2)
    expect(unknown.out).toContain('unknown job "demo.nope"')
    expect((await jobq('enqueue', 'demo.echo', '--data', '{oops')).out).toMatch(
      /--data is not valid JSON/,
    )
    const counts = await waiter.counts('default')
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0)
  })

  it('enqueues from a file, many at once, and lists and shows jobs', async () => {
    const file = join(dir, 'payload.json')
    writeFileSync(file, JSON.stringify({ hello: 'file' }))
    const one = await json<{ id: string; state: string }>(
      'enqueue',
      'demo.echo',
      '--data',
      `@${file}`,
    )
    expect(one.state).toBe('waiting')
    const many = await json<{ ids: string[] }>(
      'enqueue',
      'demo.echo',
      '--data',
      '1',
      '--count',
      '1500',
    )
    expect(many.ids).toHaveLength(1_500)
    const jobs = await json<{ id: string }[]>('jobs', 'default', '--limit', '5')
    expect(jobs).toHaveLength(5)
    const shown = await json<{ data: unknown; state: string }>('job', one.id)
    expect(shown).toMatchObject({ data: { hello: 'file' }, state: 'waiting' })
    const text = await jobq('job', one.id)
    expect(text.out).toMatch(/state\s+waiting/)
    expect((await jobq('job', 'no-such-job')).code).toBe(1)
  })

  it('runs a worker, waits for a job with --wait and prints its result; a failed job exits 1', async () => {
    await worker('default')
    const ok = await jobq('enqueue', 'demo.sleep', '--data', '{"ms":50,"message":"done"}', '--wait')
    expect(ok.code, ok.out).toBe(0)
    expect(JSON.parse(ok.out)).toEqual({ sleptMs: 50, message: 'done' })

    const broken = await waiter
      .queue('default')
      .add('demo.sleep', { ms: 'x' }, { jobId: 'broken-1' })
    expect((await waiter.finished('default', 'broken-1')).state).toBe('failed')
    // An idempotency key that made that job: --wait follows the key's job, which failed.
    const redis = await waiter.queue('default').getBackend().client
    const key = idempotencyKeyOf(prefix, 'default', 'demo.echo', 'broken-key')
    await redis.set(key, `c:${broken.timestamp}:broken-1`, { PX: 60_000 })
    const failed = await jobq(
      'enqueue',
      'demo.echo',
      '--data',
      '1',
      '--job-id',
      'broken-key',
      '--wait',
    )
    expect(failed.code).toBe(1)
    expect(failed.out).toMatch(/job broken-1 failed: invalid input/)
  })

  it('shows queues and workers in info, as text and JSON', async () => {
    await worker('default')
    await worker('big_file', '--concurrency', '2')
    const info = await json<{
      queues: { name: string; workers: number }[]
      workers: { queues: string[] }[]
    }>('info')
    expect(info.queues.map((q) => [q.name, q.workers])).toEqual([
      ['default', 1],
      ['big_file', 1],
      ['reports', 0],
    ])
    expect(info.workers).toHaveLength(2)
    const text = await jobq('info')
    expect(text.out).toMatch(/QUEUE\s.*WAITING/)
    expect(text.out).toMatch(/WORKER\s.*STATE/)
    expect(text.out).toContain('2 worker(s)')
    const one = await json<{ queues: { name: string }[] }>('info', 'big_file')
    expect(one.queues.map((q) => q.name)).toEqual(['big_file'])
  })

  it('suspend stops a running worker taking jobs; resume lets it go on', async () => {
    await worker()
    expect((await jobq('suspend')).out).toContain('suspended: default, big_file, reports')
    const { id } = await json<{ id: string }>('enqueue', 'demo.echo', '--data', '"held"')
    // The worker is alive and serving big_file too: a job there would run if it were not suspended.
    const info = await json<{
      queues: { name: string; paused: boolean; counts: { waiting: number } }[]
    }>('info')
    expect(info.queues.every((q) => q.paused)).toBe(true)
    expect((await json<{ state: string }>('job', id)).state).toBe('waiting')
    await jobq('resume', 'default')
    expect(await waiter.finished('default', id)).toEqual({
      state: 'completed',
      result: { echo: 'held' },
    })
    expect(
      (await json<{ queues: { name: string; paused: boolean }[] }>('info')).queues.map(
        (q) => q.paused,
      ),
    ).toEqual([false, true, true])
  })

  it('empties, requeues and cleans, asking for --yes when there is no terminal', async () => {
    await json('enqueue', 'demo.echo', '--data', '1', '--count', '3')
    const refused = await jobq('empty', 'default')
    expect(refused.code).toBe(2)
    expect(refused.out).toContain('Refusing without --yes')
    expect((await jobq('empty', 'default', '--yes')).out).toContain('removed 3 job(s)')

    await worker('default')
    const queue = waiter.queue('default')
    await queue.add('demo.sleep', { ms: 'x' }, { jobId: 'bad-1' })
    await queue.add('demo.sleep', { ms: 'x' }, { jobId: 'bad-2' })
    await Promise.all(['bad-1', 'bad-2'].map((id) => waiter.finished('default', id)))
    expect((await jobq('requeue', 'default')).code).toBe(2) // neither ids nor --all
    expect((await jobq('requeue', 'default', 'bad-1')).out).toContain('requeued 1 job(s)')
    expect((await waiter.finished('default', 'bad-1')).state).toBe('failed')
    expect((await jobq('requeue', 'default', '--all', '--yes')).out).toContain('requeued 2 job(s)')
    await Promise.all(['bad-1', 'bad-2'].map((id) => waiter.finished('default', id)))

    expect((await jobq('clean', 'default', '--state', 'failed', '--older-than', 'soon')).code).toBe(
      2,
    )
    expect(
      (await jobq('clean', 'default', '--state', 'failed', '--older-than', '1h', '--yes')).out,
    ).toContain('removed 0 failed job(s)')
    expect(
      (await jobq('clean', 'default', '--state', 'failed', '--older-than', '0', '--yes')).out,
    ).toContain('removed 2 failed job(s)')
  })

  it('says which Redis it cannot reach (exit 1) and needs REDIS_URL (exit 2)', async () => {
    const down = spawnNode(cli, ['info', '--redis-url', 'redis://:secret@127.0.0.1:1'], {
      env: { NO_COLOR: '1' },
    })
    expect(await down.exited).toBe(1)
    expect(down.output()).toContain('cannot reach Redis at redis://:***@127.0.0.1:1')
    expect(down.output()).not.toContain('secret')
    const { REDIS_URL: _unset, ...withoutUrl } = process.env
    const missing = spawnNode(cli, ['info'], { env: { ...withoutUrl, REDIS_URL: '' } })
    expect(await missing.exited).toBe(2)
    expect(missing.output()).toMatch(/REDIS_URL: is required/)
  })

  it("cancels: a waiting job is removed; an unknown id exits 1 with the HTTP API's words", async () => {
    const { id } = await json<{ id: string }>('enqueue', 'demo.echo', '--data', '1')
    expect((await jobq('cancel', id)).out).toContain(`${id} removed`)
    expect((await jobq('job', id)).code).toBe(1)
    const unknown = await jobq('cancel', 'no-such-job')
    expect(unknown.code).toBe(1)
    expect(unknown.out).toContain('no job with id "no-such-job"')
    // What no job id can be is a usage error (HTTP: 400 malformed-id), on every command.
    for (const command of ['job', 'cancel']) {
      const malformed = await jobq(command, 'not an id')
      expect(malformed.code, command).toBe(2)
      expect(malformed.out, command).toContain('"not an id" is not a job id')
    }
  })

  it('retry (RQ: requeue) by ids is all or nothing; an unknown queue is a usage error', async () => {
    await worker('default')
    const queue = waiter.queue('default')
    await queue.add('demo.sleep', { ms: 'x' }, { jobId: 'bad-1' })
    expect((await waiter.finished('default', 'bad-1')).state).toBe('failed')
    await jobq('pause', 'default')
    const { id: waiting } = await json<{ id: string }>('enqueue', 'demo.echo', '--data', '1')
    const refused = await jobq('retry', 'default', 'bad-1', waiting)
    expect(refused.code).toBe(1)
    expect(refused.out).toContain(`job "${waiting}" is waiting; only failed jobs can be retried`)
    expect((await json<{ state: string }>('job', 'bad-1')).state).toBe('failed')
    expect((await jobq('retry', 'default', 'bad-1', '--all')).code).toBe(2)
    const unknown = await jobq('retry', 'nope', '--all', '--yes')
    expect(unknown.code).toBe(2)
    expect(unknown.out).toContain('unknown queue "nope" (known: default, big_file, reports)')
    expect((await jobq('retry', 'default', 'bad-1')).out).toContain('requeued 1 job(s) of default')
  })

  it('pause and resume answer with the queues they applied to, under either name', async () => {
    expect((await jobq('pause', 'default')).out).toContain('paused: default')
    expect((await jobq('resume')).out).toContain('resumed: default, big_file, reports')
    expect((await jobq('suspend', 'reports')).out).toContain('suspended: reports')
    const info = await json<{ queues: { name: string; paused: boolean }[] }>('info')
    expect(info.queues.map((q) => [q.name, q.paused])).toEqual([
      ['default', false],
      ['big_file', false],
      ['reports', true],
    ])
  })

  it('lists the workers and the schedules, as GET /v1/workers and /v1/schedules do', async () => {
    await worker('reports')
    const { workers } = await json<{ workers: { queues: string[]; state: string }[] }>('workers')
    expect(workers.map((w) => w.queues)).toEqual([['reports']])
    expect((await jobq('workers')).out).toMatch(/WORKER\s.*STATE/)
    // The demo registry schedules nothing: the list is empty, and says so.
    expect(await json('schedules')).toEqual({ schedules: [] })
    expect((await jobq('schedules')).out).toContain('no schedules')
  })

  it('--wait on a key whose job was removed ends with exit 1 and a message, not a crash', async () => {
    const first = await json<{ id: string }>(
      'enqueue',
      'demo.echo',
      '--data',
      '1',
      '--job-id',
      'gone',
    )
    await jobq('cancel', first.id)
    const waited = await jobq('enqueue', 'demo.echo', '--data', '1', '--job-id', 'gone', '--wait')
    expect(waited.code).toBe(1)
    expect(waited.out).toContain(`job ${first.id} (key gone) was removed`)
    expect(waited.out).not.toMatch(/^\s+at /m)
  })
})
