import { beforeEach, describe, expect, it } from 'vitest'
import { fixtureRegistry } from '../../test/fixtures/registry.js'
import { createRedis, waitForReady } from '../connection.js'
import {
  BackendUnavailableError,
  JobConflictError,
  JobNotFoundError,
  JobValidationError,
  MalformedJobIdError,
  UnknownJobError,
  UnknownQueueError,
} from '../errors.js'
import { createOperations, type Operations } from './index.js'
import { startRedisServer, useHarness, type JobWaiter } from '../testing/index.js'

describe('operations', () => {
  const h = useHarness({ registry: fixtureRegistry })
  let prefix: string
  let producer: Operations
  let waiter: JobWaiter

  beforeEach(() => {
    ;({ prefix, waiter } = h)
    producer = h.producer(createOperations)
  })

  it('enqueues valid data and reads the job back by id alone', async () => {
    const enqueued = await producer.jobs.enqueue('test.add', { a: 1, b: 2 })
    expect(enqueued).toMatchObject({ name: 'test.add', queue: 'fixtures', state: 'waiting' })
    const job = await producer.jobs.get(enqueued.id)
    expect(job).toMatchObject({ id: enqueued.id, state: 'waiting', data: { a: 1, b: 2 } })
  })

  it('rejects invalid data and options with every issue named, and enqueues nothing', async () => {
    const error = await producer.jobs
      .enqueue('test.add', { a: 'one' }, { delay: -5, color: 'red' })
      .catch((err: unknown) => err)
    expect(error).toBeInstanceOf(JobValidationError)
    const paths = (error as JobValidationError).issues.map((i) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['data.a', 'data.b', 'options.delay', 'options']))
    const counts = await waiter.counts('fixtures')
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0)
  })

  it('refuses an unknown job name', async () => {
    await expect(producer.jobs.enqueue('test.nope', {})).rejects.toBeInstanceOf(UnknownJobError)
  })

  it('makes one job per jobId, however often it is sent', async () => {
    const first = await producer.jobs.enqueue('test.add', { a: 1, b: 1 }, { jobId: 'order-42' })
    const second = await producer.jobs.enqueue('test.add', { a: 1, b: 1 }, { jobId: 'order-42' })
    expect(second.id).toBe(first.id)
    expect(await waiter.queue('fixtures').getWaitingCount()).toBe(1)
  })

  it('finds a job in whichever queue holds it', async () => {
    const { id } = await producer.jobs.enqueue('test.other', { n: 7 })
    expect((await producer.jobs.get(id)).queue).toBe('other')
  })

  it('answers not found for unknown ids, including the names of BullMQ internal keys', async () => {
    await producer.jobs.enqueue('test.add', { a: 1, b: 1 })
    for (const id of ['no-such-job', 'meta', 'id', 'events', 'wait', 'stalled-check']) {
      await expect(producer.jobs.get(id)).rejects.toBeInstanceOf(JobNotFoundError)
    }
  })

  it('refuses what no job id can be on every operation by id, before Redis is asked', async () => {
    for (const id of ['not an id', 'a\u0000b', 'x'.repeat(257)]) {
      await expect(producer.jobs.get(id)).rejects.toBeInstanceOf(MalformedJobIdError)
      await expect(producer.control.cancel(id)).rejects.toBeInstanceOf(MalformedJobIdError)
      await expect(producer.control.retry(id)).rejects.toBeInstanceOf(MalformedJobIdError)
    }
  })

  it('reports delayed and prioritized jobs in the states a caller expects', async () => {
    const delayed = await producer.jobs.enqueue('test.add', { a: 1, b: 1 }, { delay: 60_000 })
    const urgent = await producer.jobs.enqueue('test.add', { a: 2, b: 2 }, { priority: 1 })
    expect(delayed.state).toBe('delayed')
    expect((await producer.jobs.get(delayed.id)).state).toBe('delayed')
    expect((await producer.jobs.get(urgent.id)).state).toBe('waiting')
    const waiting = await producer.jobs.list('fixtures', { state: 'waiting' })
    expect(waiting.map((j) => j.id)).toEqual([urgent.id])
  })

  it('fails fast with BackendUnavailableError while Redis is down, and recovers after', async () => {
    const server = await startRedisServer()
    const own = createRedis({ url: server.url, role: 'producer' })
    await waitForReady(own, 5_000)
    const isolated = createOperations({ registry: fixtureRegistry, connection: own, prefix })
    try {
      await isolated.jobs.enqueue('test.add', { a: 1, b: 1 })
      await server.stop()
      const started = Date.now()
      await expect(isolated.jobs.enqueue('test.add', { a: 1, b: 1 })).rejects.toBeInstanceOf(
        BackendUnavailableError,
      )
      expect(Date.now() - started).toBeLessThan(1_000)
      expect(await isolated.backend.ping(200)).toBe(false)

      const restarted = await startRedisServer({ port: server.port })
      try {
        await waitForReady(own, 10_000)
        await expect(isolated.jobs.enqueue('test.add', { a: 1, b: 1 })).resolves.toMatchObject({
          state: 'waiting',
        })
      } finally {
        await isolated.close()
        own.disconnect()
        await restarted.stop()
      }
    } finally {
      await server.stop()
    }
  })

  it('summarises one queue as the list does, and names the known ones for an unknown queue', async () => {
    await producer.jobs.enqueue('test.add', { a: 1, b: 2 })
    const all = await producer.queues.summaries()
    expect(await producer.queues.summary('fixtures')).toEqual(
      all.find((q) => q.name === 'fixtures'),
    )
    await expect(producer.queues.summary('nope')).rejects.toThrow(UnknownQueueError)
    await expect(producer.queues.pause('nope')).rejects.toThrow(/unknown queue "nope" \(known: /)
    await expect(
      producer.queues.clean('fixtures', { state: 'active', olderThanMs: 0 }),
    ).rejects.toThrow(JobValidationError)
  })

  it('pauses and resumes one queue or every queue, answering the queues as they are now', async () => {
    const names = fixtureRegistry.queueNames
    const paused = await producer.queues.pauseAll()
    expect(paused.map((q) => [q.name, q.paused])).toEqual(names.map((name) => [name, true]))
    const resumed = await producer.queues.resume('fixtures')
    expect(resumed.queue).toMatchObject({ name: 'fixtures', paused: false })
    const now = (await producer.queues.summaries()).map((q) => q.paused)
    expect(now).toEqual(names.map((name) => name !== 'fixtures'))
  })

  it('requeues by ids only when every id is a failed job of that queue; else changes nothing', async () => {
    const waiting = await producer.jobs.enqueue('test.add', { a: 1, b: 2 })
    await expect(producer.control.requeue('fixtures', [waiting.id])).rejects.toThrow(
      JobConflictError,
    )
    await expect(producer.control.requeue('fixtures', ['no-such-id'])).rejects.toThrow(
      JobNotFoundError,
    )
    const other = fixtureRegistry.queueNames.find((name) => name !== 'fixtures')!
    await expect(producer.control.requeue(other, [waiting.id])).rejects.toThrow(JobNotFoundError)
    expect(await producer.jobs.get(waiting.id)).toMatchObject({ state: 'waiting' })
    await expect(producer.control.requeue('fixtures', ['bad id!'])).rejects.toThrow(
      JobValidationError,
    )
    expect((await producer.control.requeue('fixtures')).affected).toBe(0)
  })
})
