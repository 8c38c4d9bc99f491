import { beforeEach, describe, expect, it } from 'vitest'
import { fixtureRegistry } from '../test/fixtures/registry.js'
import { JobConflictError } from './errors.js'
import { createOperations, type Operations } from './operations/index.js'
import { startWorker } from './worker/boot.js'
import type { WorkerOptions } from './worker/options.js'
import { useHarness } from './testing/index.js'

describe('timeouts, cancellation and retries', () => {
  const h = useHarness({ registry: fixtureRegistry })
  let producer: Operations
  beforeEach(() => {
    producer = h.producer(createOperations)
  })
  const start = (options: Partial<WorkerOptions> = {}) => h.worker(startWorker, options)

  it('a per-enqueue timeoutMs overrides the definition and aborts each attempt', async () => {
    await start()
    // test.hang has no timeout of its own and waits forever: only the override can end it.
    const { id } = await producer.jobs.enqueue('test.hang', {}, { timeoutMs: 200, attempts: 2 })
    expect(await h.waiter.finished('fixtures', id)).toEqual({
      state: 'failed',
      reason: 'job timed out after 200 ms',
    })
    expect((await producer.jobs.get(id)).attemptsMade).toBe(2)
  })

  it('rejects a bad timeoutMs on enqueue', async () => {
    await expect(producer.jobs.enqueue('test.hang', {}, { timeoutMs: 0 })).rejects.toThrow(
      /invalid input/,
    )
  })

  it('cancels an active job through Redis: it fails "cancelled" and is not retried', async () => {
    const worker = await start()
    // test.slow allows 2 attempts: a retry would show as attemptsMade 2.
    const { id } = await producer.jobs.enqueue('test.slow', { ms: 60_000 }, { timeoutMs: 60_000 })
    await h.waiter.active('fixtures', id)
    expect(await producer.control.cancel(id)).toEqual({ id, outcome: 'cancelling' })
    expect(await h.waiter.finished('fixtures', id)).toEqual({
      state: 'failed',
      reason: 'cancelled',
    })
    const job = await producer.jobs.get(id)
    expect(job).toMatchObject({ state: 'failed', attemptsMade: 1, workerId: worker.id })
  })

  it('removes a waiting or delayed job on cancel, and refuses to cancel a finished one', async () => {
    const waiting = await producer.jobs.enqueue('test.add', { a: 1, b: 2 })
    const delayed = await producer.jobs.enqueue('test.add', { a: 1, b: 2 }, { delay: 60_000 })
    expect(await producer.control.cancel(waiting.id)).toEqual({
      id: waiting.id,
      outcome: 'removed',
    })
    expect(await producer.control.cancel(delayed.id)).toEqual({
      id: delayed.id,
      outcome: 'removed',
    })
    await expect(producer.jobs.get(waiting.id)).rejects.toThrow(/no job with id/)
    const counts = await h.waiter.counts('fixtures')
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0)

    await start()
    const done = await producer.jobs.enqueue('test.add', { a: 1, b: 2 })
    await h.waiter.finished('fixtures', done.id)
    const refused = producer.control.cancel(done.id)
    await expect(refused).rejects.toBeInstanceOf(JobConflictError)
    await expect(refused).rejects.toThrow(/already completed/)
  })

  it('keeps a finally failed job with its reason and stack, and retries it with fresh attempts', async () => {
    await start()
    // Fails attempts 1 and 2 (its attempts are used up), would succeed on attempt 3.
    const { id } = await producer.jobs.enqueue('test.flaky', { succeedOn: 3 }, { attempts: 2 })
    expect(await h.waiter.finished('fixtures', id)).toEqual({
      state: 'failed',
      reason: 'transient failure on attempt 2',
    })
    const failed = await h.waiter.queue('fixtures').getJob(id)
    expect(failed?.failedReason).toBe('transient failure on attempt 2')
    expect(failed?.stacktrace).toHaveLength(2)
    expect(failed?.stacktrace?.[0]).toMatch(/^Error: transient failure on attempt \d\n\s+at /)

    expect(await producer.control.retry(id)).toEqual({ id, state: 'waiting' })
    // A fresh set of attempts: both run again (ctx.attempt counts from 1 again), so it fails the
    // same way, after two more attempts.
    expect(await h.waiter.finished('fixtures', id)).toEqual({
      state: 'failed',
      reason: 'transient failure on attempt 2',
    })
    expect(await producer.jobs.get(id)).toMatchObject({ attemptsMade: 2, attemptsStarted: 2 })
    expect((await producer.jobs.get(id)).history?.map((entry) => entry.outcome)).toEqual([
      'failed',
      'failed',
      'failed',
      'failed',
    ])
    const { id: done } = await producer.jobs.enqueue('test.flaky', { succeedOn: 1 })
    await h.waiter.finished('fixtures', done)
    await expect(producer.control.retry(done)).rejects.toThrow(/only failed jobs can be retried/)
  })
})
