import { expect } from 'vitest'
import type { WatchEvent } from '../src/operations/job-events.js'
import type { Stack } from './topology-scenario.js'

/**
 * What a user does through every connection of the stack: a job runs, its events reach the
 * producer (QueueEvents on the events connection), an active job is cancelled (the worker's
 * subscriber made with `duplicate()`), and the worker's record is listed.
 */
export async function exerciseStack({ producer, waiter, worker }: Stack) {
  const { id } = await producer.jobs.enqueue('test.add', { a: 2, b: 3 })
  expect(await waiter.finished('fixtures', id)).toEqual({ state: 'completed', result: { sum: 5 } })

  const slow = await producer.jobs.enqueue('test.slow', { ms: 150 })
  const ended = new Promise<WatchEvent>((resolve) => {
    void producer.jobs.watch(slow.id, (event) => {
      if (event.type !== 'progress') resolve(event)
    })
  })
  expect(await ended).toEqual({ type: 'completed', result: { aborted: false } })

  const hang = await producer.jobs.enqueue('test.hang', {})
  await waiter.active('fixtures', hang.id)
  expect(await producer.control.cancel(hang.id)).toMatchObject({ outcome: 'cancelling' })
  expect(await waiter.finished('fixtures', hang.id)).toEqual({
    state: 'failed',
    reason: 'cancelled',
  })

  expect((await producer.fleet.workers()).map((w) => w.id)).toContain(worker.id)

  // An idempotency key: its claim, the MULTI that adds the job and its confirmation all share
  // the prefix's hash tag, so they run on a cluster too (CROSSSLOT otherwise).
  const keyed = await producer.jobs.enqueue('test.add', { a: 1, b: 1 }, { jobId: 'topology-key' })
  const bulk = await producer.jobs.enqueueBulk('test.add', [
    { data: { a: 1, b: 1 }, options: { jobId: 'topology-key' } },
    { data: { a: 1, b: 2 }, options: { jobId: 'other-key' } },
  ])
  expect(bulk.ids[0]).toBe(keyed.id)
  expect(bulk.created).toEqual([false, true])
}
