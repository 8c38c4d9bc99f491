import { beforeEach, describe, expect, it } from 'vitest'
import { Queue } from 'bullmq'
import { fixtureRegistry } from '../../test/fixtures/registry.js'
import type { Redis } from '../connection.js'
import { UnknownQueueError } from '../errors.js'
import { keepingCompleted, type Retention } from '../job-options.js'
import { createOperations, type Operations } from '../operations/index.js'
import { useHarness, type JobWaiter } from '../testing/index.js'
import { startWorker } from './boot.js'
import type { RunningWorker } from './options.js'

describe('worker', () => {
  const h = useHarness({ registry: fixtureRegistry })
  let prefix: string
  let producerRedis: Redis
  let producer: Operations
  let waiter: JobWaiter
  let workers: RunningWorker[]

  const start = async (queues?: string[], more?: { retention: Retention; concurrency: number }) => {
    const worker = await h.worker(startWorker, { queues, ...more })
    workers.push(worker)
    return worker
  }

  beforeEach(() => {
    ;({ prefix, waiter } = h)
    producerRedis = h.redis
    producer = h.producer(createOperations)
    workers = []
  })

  it('runs a job and stores the validated result', async () => {
    await start()
    const { id } = await producer.jobs.enqueue('test.add', { a: 2, b: 3 })
    expect(await waiter.finished('fixtures', id)).toEqual({
      state: 'completed',
      result: { sum: 5 },
    })
    const job = await producer.jobs.get(id)
    expect(job).toMatchObject({ state: 'completed', result: { sum: 5 }, attemptsMade: 1 })
    expect(job.workerId).toBe(workers[0]?.id)
  })

  it('applies its retention to jobs that carry none, and a job that does keeps its own', async () => {
    await start(undefined, { retention: keepingCompleted(2), concurrency: 1 })
    const ids: string[] = []
    for (let i = 0; i < 5; i++)
      ids.push((await producer.jobs.enqueue('test.add', { a: i, b: 0 })).id)
    // One at a time, in order: once the last is done, only two are kept. (Which two is BullMQ's
    // order by finish time in ms; jobs finished within one ms tie, so the test asserts the count.)
    await waiter.finished('fixtures', ids.at(-1)!)
    const completed = () => producerRedis.zrange(`${prefix}:fixtures:completed`, 0, -1)
    const kept = await completed()
    expect(kept).toHaveLength(2)
    expect(ids).toEqual(expect.arrayContaining(kept))

    // A producer told to keep more (JOBQ_KEEP_COMPLETED on the producer) stamps its jobs.
    const keeping = createOperations({
      registry: fixtureRegistry,
      connection: producerRedis,
      prefix,
      keepCompleted: 10,
    })
    const stamped: string[] = []
    for (let i = 0; i < 4; i++)
      stamped.push((await keeping.jobs.enqueue('test.add', { a: i, b: 1 })).id)
    await waiter.finished('fixtures', stamped.at(-1)!)
    await keeping.close()
    expect(await completed()).toEqual(expect.arrayContaining(stamped))
  })

  it('runs setup() once per process, and takes no job before it has finished', async () => {
    const ids = await Promise.all(
      Array.from({ length: 20 }, async () => (await producer.jobs.enqueue('test.counted', {})).id),
    )
    await start()
    const outcomes = await Promise.all(ids.map((id) => waiter.finished('fixtures', id)))
    const results = outcomes.map((o) => (o.state === 'completed' ? o.result : o)) as {
      setupCalls: number
      setupDoneAt: number
      ranAt: number
    }[]
    // Earlier tests in this file started workers in this process too: count from where we were.
    expect(new Set(results.map((r) => r.setupCalls)).size).toBe(1)
    expect(new Set(results.map((r) => r.setupDoneAt)).size).toBe(1)
    for (const r of results) expect(r.ranAt).toBeGreaterThanOrEqual(r.setupDoneAt)
  })

  it('fails a PermanentJobError at once, without the retries attempts would allow', async () => {
    await start()
    const { id } = await producer.jobs.enqueue('test.permanent', {})
    expect(await waiter.finished('fixtures', id)).toEqual({
      state: 'failed',
      reason: 'this input can never work',
    })
    expect((await producer.jobs.get(id)).attemptsMade).toBe(1)
  })

  it('retries a transient failure until it succeeds', async () => {
    await start()
    const { id } = await producer.jobs.enqueue('test.flaky', { succeedOn: 3 })
    expect(await waiter.finished('fixtures', id)).toEqual({
      state: 'completed',
      result: { attempt: 3 },
    })
    // The fleet totals count the job once, as completed: failed attempts that were retried are
    // not failures (a stopping worker writes what it counted).
    await workers.pop()!.close(1_000)
    const stats = (await producer.fleet.stats()).find((queue) => queue.queue === 'fixtures')
    expect(stats).toMatchObject({ completed: 1, failed: 0, duration: { count: 3 } })
  })

  it('fails a payload that bypassed the producer as permanent, and keeps running', async () => {
    await start()
    const raw = new Queue('fixtures', { connection: producerRedis, prefix })
    const bypass = await raw.add('test.add', { a: 'not a number' }, { attempts: 5, jobId: 'raw-1' })
    const { id } = await producer.jobs.enqueue('test.add', { a: 1, b: 1 })
    await raw.close()
    const outcome = await waiter.finished('fixtures', bypass.id!)
    expect(outcome.state).toBe('failed')
    expect(outcome.state === 'failed' && outcome.reason).toMatch(
      /^invalid input: data\.a: .*number/,
    )
    expect((await producer.jobs.get('raw-1')).attemptsMade).toBe(1)
    expect(await waiter.finished('fixtures', id)).toEqual({
      state: 'completed',
      result: { sum: 2 },
    })
  })

  it('aborts a handler past its timeout and retries it per attempts', async () => {
    await start()
    const { id } = await producer.jobs.enqueue('test.slow', { ms: 10_000 })
    const outcome = await waiter.finished('fixtures', id)
    expect(outcome).toEqual({ state: 'failed', reason: 'job timed out after 300 ms' })
    expect((await producer.jobs.get(id)).attemptsMade).toBe(2)
  })

  it('fails a handler whose result does not match the output schema, without retrying', async () => {
    await start()
    const { id } = await producer.jobs.enqueue('test.bad-output', {})
    const outcome = await waiter.finished('fixtures', id)
    expect(outcome.state === 'failed' && outcome.reason).toMatch(
      /^handler returned an invalid result: result\.count/,
    )
    expect((await producer.jobs.get(id)).attemptsMade).toBe(1)
  })

  it('takes only the jobs of its own queues', async () => {
    await start(['other'])
    const fixtureJob = await producer.jobs.enqueue('test.add', { a: 1, b: 1 })
    const otherJob = await producer.jobs.enqueue('test.other', { n: 1 })
    expect((await waiter.finished('other', otherJob.id)).state).toBe('completed')
    expect((await producer.jobs.get(fixtureJob.id)).state).toBe('waiting')
  })

  it('refuses an unknown queue, listing the known ones', async () => {
    await expect(start(['nope'])).rejects.toThrow(UnknownQueueError)
    await expect(start(['nope'])).rejects.toThrow(/known: fixtures, other/)
  })

  it('hands a job still running when the grace period ends back to its queue, unfailed', async () => {
    const worker = await start()
    const { id } = await producer.jobs.enqueue('test.hang', {})
    await waiter.active('fixtures', id)
    expect(await worker.close(200)).toEqual({ drained: false, clean: true })
    const job = await producer.jobs.get(id)
    expect(job).toMatchObject({ state: 'waiting', attemptsMade: 0, failedReason: null })
  })
})
