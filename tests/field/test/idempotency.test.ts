// Kind 5: `created` tells the truth, and an idempotency key means what the docs say. A caller's
// `options.jobId` is an idempotency key: within its window (JOBQ_IDEMPOTENCY_TTL_MS) the same
// key answers the job it first made, exactly one caller is told `created: true`, and neither
// `jobq clean` nor retention removing that job lets the key make a second one.
import { randomUUID } from 'node:crypto'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createHarness, startRedisServer, useHarness } from '@jobq/queue-core/testing'
import { eventually, IdsStack } from './ids-support.js'

let stack: IdsStack

const h = useHarness({ label: 'ids' })

/** The total of every state of queue `default`, from GET /v1/queues. */
async function jobsInDefault(): Promise<number> {
  const queues = await stack.get<{ queues: { name: string; counts: Record<string, number> }[] }>(
    '/v1/queues',
  )
  const counts = queues.body.queues.find((q) => q.name === 'default')!.counts
  return Object.values(counts).reduce((sum, n) => sum + n, 0)
}

/**
 * Enqueues a marker job and waits until a handler has started it: the one worker takes jobs in
 * order, so every job enqueued before it has started too (its handler recorded it).
 */
async function drained(): Promise<void> {
  const marker = await stack.post('/v1/jobs/demo.echo', { data: `marker-${randomUUID()}` })
  await eventually(
    async () => stack.attempts(),
    (runs) => runs.some((run) => run.id === marker.body.id),
    30_000,
  )
}

/** Polls until job `id` is gone (retention removes it once it completes). */
function removed(id: string) {
  return eventually(
    () => stack.get(`/v1/jobs/${id}`),
    (r) => r.status === 404,
    30_000,
  )
}

describe('idempotency keys', () => {
  it('tells exactly one of two concurrent callers created: true, 200 rounds', async () => {
    stack = new IdsStack(h)
    await stack.startProducer()
    const wrong: string[] = []
    for (let round = 0; round < 200; round++) {
      const key = `round-${round}`
      const [a, b] = await Promise.all(
        [1, 2].map((n) =>
          stack.post('/v1/jobs/demo.echo', { data: { round, n }, options: { jobId: key } }),
        ),
      )
      const created = [a!, b!].filter((r) => r.body.created === true).length
      const statuses = [a!.status, b!.status].sort().join(',')
      if (created !== 1 || statuses !== '200,202' || a!.body.id !== b!.body.id) {
        wrong.push(`${key}: ${JSON.stringify([a, b])}`)
      }
    }
    expect(wrong.slice(0, 3), `${wrong.length} of 200 rounds wrong`).toEqual([])
    expect(await jobsInDefault()).toBe(200)
  })

  it('answers bulk duplicates and known keys per item', async () => {
    stack = new IdsStack(h)
    await stack.startProducer()
    const first = await stack.post('/v1/jobs/demo.echo', { data: 0, options: { jobId: 'k1' } })
    expect(first.status).toBe(202)
    const bulk = await stack.post('/v1/jobs/demo.echo/bulk', {
      items: [
        { data: 1, options: { jobId: 'k3' } },
        { data: 2, options: { jobId: 'k3' } },
        { data: 3, options: { jobId: 'k1' } },
        { data: 4 },
        { data: 5, options: { jobId: 'k4', delay: 60_000 } },
      ],
    })
    expect(bulk.status, JSON.stringify(bulk.body)).toBe(202)
    const { ids, created } = bulk.body as { ids: string[]; created: boolean[] }
    expect(created).toEqual([true, false, false, true, true])
    expect(ids[1]).toBe(ids[0])
    expect(ids[2]).toBe(first.body.id)
    expect(new Set(ids).size).toBe(4)
    expect(await jobsInDefault()).toBe(4)
    expect((await stack.get(`/v1/jobs/${ids[0]}`)).body.data).toBe(1)
    expect((await stack.get(`/v1/jobs/${ids[4]}`)).body.state).toBe('delayed')
    // The same bulk again: nothing new, every item answered with the job its key made.
    const again = await stack.post('/v1/jobs/demo.echo/bulk', {
      items: [
        { data: 1, options: { jobId: 'k3' } },
        { data: 5, options: { jobId: 'k4' } },
      ],
    })
    expect(again.body).toEqual({
      ids: [ids[0], ids[4]],
      created: [false, false],
      outcomes: ['duplicated', 'duplicated'],
    })
    expect(await jobsInDefault()).toBe(4)
  })

  it('makes no second job after `jobq clean` or retention removed the first', async () => {
    stack = new IdsStack(h)
    // Retention keeps no completed job: each one is removed the moment it completes.
    await stack.startProducer({ JOBQ_KEEP_COMPLETED: '0' })
    await stack.startWorker()
    const cleaned = { data: 'cleaned', options: { jobId: 'report-2026-11' } }
    const retained = { data: 'retained', options: { jobId: 'retained-1' } }

    const first = await stack.post('/v1/jobs/demo.echo', cleaned)
    expect(first.status).toBe(202)
    const second = await stack.post('/v1/jobs/demo.echo', retained)
    await removed(first.body.id)
    await removed(second.body.id)
    // Retention removed both; `jobq clean` runs over what is left.
    const clean = await stack.cli(
      'clean',
      'default',
      '--state',
      'completed',
      '--older-than',
      '0',
      '--yes',
    )
    expect(clean.code, clean.out).toBe(0)
    await removed(first.body.id)
    await removed(second.body.id)

    for (const [body, made] of [
      [cleaned, first],
      [retained, second],
    ] as const) {
      const again = await stack.post('/v1/jobs/demo.echo', body)
      expect(again.status, JSON.stringify(again.body)).toBe(200)
      expect(again.body).toMatchObject({ id: made.body.id, created: false, state: 'removed' })
    }
    await drained()
    const runs = stack.attempts().filter((a) => a.data === '"cleaned"' || a.data === '"retained"')
    expect(runs.map((a) => a.data).sort()).toEqual(['"cleaned"', '"retained"'])
  })

  it('also after `jobq clean` removed a job that retention kept', async () => {
    stack = new IdsStack(h)
    await stack.startProducer()
    await stack.startWorker()
    const body = { data: 'kept', options: { jobId: 'kept-1' } }
    const first = await stack.post('/v1/jobs/demo.echo', body)
    await stack.until(first.body.id, ['completed'])
    const clean = await stack.cli(
      'clean',
      'default',
      '--state',
      'completed',
      '--older-than',
      '0',
      '--yes',
    )
    expect(clean.out).toMatch(/removed 1 completed/)
    const again = await stack.post('/v1/jobs/demo.echo', body)
    expect(again.body).toMatchObject({ id: first.body.id, created: false, state: 'removed' })
    // The CLI's --job-id is the same key.
    const cli = await stack.cli(
      'enqueue',
      'demo.echo',
      '--data',
      '"kept"',
      '--job-id',
      'kept-1',
      '--json',
    )
    expect(cli.code, cli.out).toBe(0)
    expect(JSON.parse(cli.out)).toMatchObject({ id: first.body.id, created: false })
    await drained()
    expect(stack.attempts().filter((a) => a.data === '"kept"')).toHaveLength(1)
  })

  it('forgets a key after its window, not before', async () => {
    stack = new IdsStack(h)
    await stack.startProducer({ JOBQ_IDEMPOTENCY_TTL_MS: '1500' })
    const body = { data: 'windowed', options: { jobId: 'w-1' } }
    const first = await stack.post('/v1/jobs/demo.echo', body)
    expect(first.body.created, JSON.stringify(first.body)).toBe(true)
    const within = await stack.post('/v1/jobs/demo.echo', body)
    expect(within.body).toMatchObject({ id: first.body.id, created: false })
    // No event marks the end of a window: poll until the key makes a job again.
    const after = await eventually(
      () => stack.post('/v1/jobs/demo.echo', body),
      (r) => r.body.created === true,
      10_000,
    )
    expect(after.status).toBe(202)
    expect(after.body.id).not.toBe(first.body.id)
    expect(await jobsInDefault()).toBe(2)
  })

  it('a claim whose add never ran (Redis lost mid-request) makes exactly one job on retry', async () => {
    stack = new IdsStack(h)
    await stack.startProducer()
    // What a producer leaves when Redis drops between the claim of a key and the add of its
    // job: the claim, naming the id it was about to use, and no job.
    const { idempotencyKeyOf } = await import('@jobq/queue-core')
    const id = randomUUID()
    await stack.redis.set(
      idempotencyKeyOf(stack.prefix, 'default', 'demo.echo', 'lost-1'),
      `p:${id}`,
      'PX',
      60_000,
    )
    const retries = await Promise.all(
      [1, 2, 3].map(() =>
        stack.post('/v1/jobs/demo.echo', { data: 'lost', options: { jobId: 'lost-1' } }),
      ),
    )
    expect(retries.map((r) => r.body.id)).toEqual([id, id, id])
    expect(retries.filter((r) => r.body.created === true)).toHaveLength(1)
    expect(await jobsInDefault()).toBe(1)
    const later = await stack.post('/v1/jobs/demo.echo', {
      data: 'lost',
      options: { jobId: 'lost-1' },
    })
    expect(later.body).toMatchObject({ id, created: false, state: 'waiting' })
  })

  it('Redis refusing the add after the claim: the retry makes the job, once', async () => {
    // A private server: its ACL is changed so that the MULTI adding the job is refused (its
    // EXISTS is not allowed: EXECABORT, nothing applied) while the claim before it goes through.
    const server = await startRedisServer()
    const own = await createHarness({ label: 'ids', target: server.url })
    onTestFinished(async () => {
      await own.close()
      await server.stop()
    })
    stack = new IdsStack(own)
    await stack.startProducer()
    const body = { data: 'refused', options: { jobId: 'refused-1' } }
    await stack.redis.call('ACL', 'SETUSER', 'default', '-exists')
    const refused = await stack.post('/v1/jobs/demo.echo', body)
    await stack.redis.call('ACL', 'SETUSER', 'default', '+exists')
    expect(refused.status, JSON.stringify(refused.body)).toBeGreaterThanOrEqual(500)
    expect(await jobsInDefault()).toBe(0)
    const retries = [
      await stack.post('/v1/jobs/demo.echo', body),
      await stack.post('/v1/jobs/demo.echo', body),
    ]
    expect(retries.map((r) => [r.status, r.body.created])).toEqual([
      [202, true],
      [200, false],
    ])
    expect(retries[1]!.body.id).toBe(retries[0]!.body.id)
    expect(await jobsInDefault()).toBe(1)
  })
})
