import { beforeEach, describe, expect, it } from 'vitest'
import {
  createClient,
  JobFailedError,
  JobqApiError,
  JobWaitTimeoutError,
  type JobqClient,
} from '@jobq/client'
import { useAppHarness } from './harness.js'

describe('@jobq/client against a running producer', () => {
  const h = useAppHarness()
  let client: JobqClient
  beforeEach(async () => {
    client = createClient({ baseUrl: await h.listen() })
  })

  it('enqueues, then waits for the typed result over server-sent events', async () => {
    await h.startWorker(['default'])
    const job = await client.enqueue('demo.sleep', { ms: 30, message: 'typed' })
    expect(job).toMatchObject({ name: 'demo.sleep', queue: 'default', created: true })
    const result = await client.wait(job, { timeoutMs: 10_000 })
    expect(result).toEqual({ sleptMs: 30, message: 'typed' })
    expect(await client.get(job.id)).toMatchObject({ state: 'completed', result })
  })

  it('streams state, progress and completion, then ends', async () => {
    await h.startWorker(['default'])
    const job = await client.enqueue('demo.sleep', { ms: 1_000 })
    const events = []
    for await (const event of client.events(job.id)) events.push(event)
    expect(events[0]).toMatchObject({ type: 'state', job: { id: job.id } })
    const progress = events
      .filter((e) => e.type === 'progress')
      .map((e) => e.type === 'progress' && e.progress)
    expect(progress.length).toBeGreaterThanOrEqual(5)
    expect(progress).toEqual([...progress].sort((a, b) => Number(a) - Number(b)))
    expect(events.at(-1)).toEqual({ type: 'completed', result: { sleptMs: 1_000, message: '' } })
  })

  it('answers at once for a job that finished before the stream was opened', async () => {
    await h.startWorker(['default'])
    const job = await client.enqueue('demo.echo', { early: true })
    await h.waiter.finished('default', job.id)
    const events = []
    for await (const event of client.events(job.id)) events.push(event.type)
    expect(events).toEqual(['state', 'completed'])
    expect(await client.wait(job.id)).toEqual({ echo: { early: true } })
  })

  it('rejects with the reason when the job fails for good', async () => {
    await h.startWorker(['default'])
    // Written straight into Redis, past the producer's validation: the worker refuses it.
    const raw = await h.waiter
      .queue('default')
      .add('demo.sleep', { ms: 'soon' }, { jobId: 'bad-1' })
    await expect(client.wait(raw.id!)).rejects.toThrow(JobFailedError)
    await expect(client.wait('bad-1')).rejects.toThrow(/invalid input: data\.ms/)
  })

  it('gives up waiting after the timeout, leaving the job alone', async () => {
    const job = await client.enqueue('demo.sleep', { ms: 1 })
    await expect(client.wait(job, { timeoutMs: 300 })).rejects.toThrow(JobWaitTimeoutError)
    expect((await client.get(job.id)).state).toBe('waiting')
  })

  it('surfaces API errors as JobqApiError with the problem', async () => {
    const error = await client
      .enqueue('demo.sleep', { ms: -5 })
      .catch((err: unknown) => err as JobqApiError)
    expect(error).toBeInstanceOf(JobqApiError)
    expect(error).toMatchObject({ status: 400, problem: { errors: [{ path: 'data.ms' }] } })
    await expect(client.get('no-such-job')).rejects.toMatchObject({ status: 404 })
  })

  it('enqueues many at once', async () => {
    const { ids } = await client.enqueueMany('demo.echo', [{ data: 1 }, { data: 2 }])
    expect(ids).toHaveLength(2)
  })
  it('reads and administers queues with the admin routes', async () => {
    const { id } = await client.enqueue('demo.echo', 1)
    expect(await client.queue('default')).toMatchObject({ name: 'default', counts: { waiting: 1 } })
    expect((await client.queues()).map((q) => q.name)).toContain('big_file')
    expect((await client.list('default', { state: 'waiting', limit: 5 })).jobs).toEqual([
      expect.objectContaining({ id, name: 'demo.echo' }),
    ])
    expect((await client.pause()).every((q) => q.paused)).toBe(true)
    expect(await client.resume('default')).toMatchObject({ queue: { paused: false } })
    await client.resume()

    await h.startWorker(['default'])
    await h.waiter.queue('default').add('demo.sleep', { ms: 'x' }, { jobId: 'bad-1' })
    await h.waiter.finished('default', 'bad-1')
    await h.waiter.finished('default', id)
    await client.pause('default')
    expect(await client.retry('default', ['bad-1'])).toMatchObject({ affected: 1 })
    expect(await client.empty('default')).toMatchObject({ affected: 1 })
    expect(await client.clean('default', { state: 'completed', olderThanMs: 0 })).toMatchObject({
      affected: 1,
    })
    await expect(client.queue('nope')).rejects.toMatchObject({
      status: 404,
      problem: { type: '/problems/unknown-queue' },
    })
    expect(await client.workers()).toHaveLength(1)
  })

  it('lists a queue’s groups and sets and resets one key’s limits', async () => {
    await client.enqueueMany(
      'demo.tenant-task',
      [1, 2, 3].map(() => ({ data: { tenant: 'a/b', ms: 1 } })),
    )
    expect(await client.groups('default', { limit: 10 })).toMatchObject({
      total: 1,
      groups: [{ job: 'demo.tenant-task', key: 'a/b', active: 2, waiting: 1 }],
    })
    expect(await client.setGroup('demo.tenant-task', 'a/b', { concurrency: 3 })).toMatchObject({
      active: 3,
      waiting: 0,
      overridden: true,
    })
    expect(await client.resetGroup('demo.tenant-task', 'a/b')).toMatchObject({ overridden: false })
  })

  it('searches demo.order by customerId, and answers a 400 for an undeclared field', async () => {
    const mine = await client.enqueue('demo.order', { customerId: 'c42', region: 'eu', amount: 5 })
    await client.enqueue('demo.order', { customerId: 'c7', region: 'eu', amount: 5 })
    const page = await client.search('demo.order', { customerId: 'c42' }, { state: 'waiting' })
    expect(page.jobs.map((job) => job.id)).toEqual([mine.id])
    expect(page.nextCursor).toBeNull()
    const refused = await client.search('demo.order', { amount: '5' }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(JobqApiError)
    expect((refused as JobqApiError).status).toBe(400)
    const inQueue = await client.search('demo.order', { customerId: 'c42' }, { queue: 'default' })
    expect(inQueue.jobs.map((job) => job.id)).toEqual([mine.id])
    const unknownQueue = await client
      .search('demo.order', { customerId: 'c42' }, { queue: 'nope' })
      .catch((e: unknown) => e)
    expect((unknownQueue as JobqApiError).status).toBe(404)
  })
})
