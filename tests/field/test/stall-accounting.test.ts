import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AnyRegistry, AttemptEntry, Operations } from '@jobq/queue-core'
import { createOperations, createRedis, waitForReady } from '@jobq/queue-core'
import { JobWaiter, startRedisServer, testRedisUrl, useHarness } from '@jobq/queue-core/testing'
import {
  attemptsRegistry,
  eventually,
  recordOf,
  spawnWorker,
  startWorker,
  workerIdOf,
} from './attempts-support.js'

const { registry } = (await import(attemptsRegistry)) as { registry: AnyRegistry }

/** The outcomes of a job's attempt history, oldest first. */
const outcomes = (history: AttemptEntry[] | undefined) => history?.map((entry) => entry.outcome)

// Kind 1 of issue 12: every start of a job counts as one attempt, whatever ended it (a crash, a
// lost lock, a blocked event loop, a shutdown's grace running out); it shows in the job's
// history; a job with attempts left is never failed by a stall; a handler that blocks the event
// loop past its lock runs once and is never failed after it succeeded.
describe('a stall never wastes the retry budget or fails a job that succeeded', () => {
  const stack = useHarness({ label: 'stall', registry })
  let producer: Operations
  let dir: string
  beforeEach(() => {
    producer = stack.producer(createOperations)
    dir = stack.scratchDir()
  })
  const env = () => ({
    REDIS_URL: testRedisUrl(),
    JOBQ_PREFIX: stack.prefix,
    record: join(dir, 'record.log'),
    // The settings: a lock that lapses 1 s after a crash, found 250 ms later.
    JOBQ_LOCK_MS: '1000',
    JOBQ_STALLED_INTERVAL_MS: '250',
  })

  it('two kill -9 in a row, then a third worker: completes, two interrupted + one completed', async () => {
    const { waiter, processes } = stack
    const e = env()
    const { id } = await producer.jobs.enqueue('demo.sleep', { ms: 5_000, message: 'survive' })
    const runners = []
    for (let n = 1; n <= 2; n++) {
      const worker = await startWorker(e)
      processes.push(worker)
      runners.push(worker)
      // It runs the handler (a start line from this process), then dies mid-job.
      await eventually(
        () => recordOf(e.record, id),
        (lines) => lines.some((l) => l.kind === 'start' && l.pid === worker.child.pid),
      )
      worker.child.kill('SIGKILL')
      expect(await worker.exited).toBe('SIGKILL')
    }
    const third = await startWorker(e)
    processes.push(third)

    expect(await waiter.finished('default', id, 30_000)).toEqual({
      state: 'completed',
      result: { sleptMs: 5_000, message: 'survive' },
    })
    const lines = recordOf(e.record, id)
    expect(lines.filter((l) => l.kind === 'start')).toHaveLength(3)
    expect(lines.filter((l) => l.kind === 'done')).toEqual([
      { kind: 'done', id, pid: third.child.pid },
    ])
    const view = await producer.jobs.get(id)
    expect(view).toMatchObject({ state: 'completed', attemptsStarted: 3, failedReason: null })
    expect(outcomes(view.history)).toEqual(['interrupted', 'interrupted', 'completed'])
    expect(view.history?.map((entry) => entry.workerId)).toEqual([
      ...runners.map(workerIdOf),
      workerIdOf(third),
    ])
    expect(view.history?.map((entry) => entry.attempt)).toEqual([1, 2, 3])
    expect(view.history?.[0]?.reason).toMatch(/stopped holding the lock/)
    // The worker that ran it to the end, at the time it started.
    expect(view.workerId).toBe(workerIdOf(third))
    expect(view.startedAt).toBe(view.history?.[2]?.startedAt)
  })

  it('a job that crashes its worker at every start fails after its attempts, saying why', async () => {
    const { waiter, processes } = stack
    const e = env()
    const { id } = await producer.jobs.enqueue('field.crash', {}) // attempts: 2
    const final = waiter.finished('default', id, 60_000)
    const pids: number[] = []
    // Each start kills its worker: start a fresh one until the job is final (at most 5).
    let outcome
    for (let n = 0; n < 5 && !outcome; n++) {
      const worker = spawnWorker(e)
      processes.push(worker)
      pids.push(worker.child.pid!)
      outcome = await Promise.race([final, worker.exited.then(() => undefined)])
    }
    expect(outcome).toMatchObject({ state: 'failed' })
    // Two starts ran the handler and died; the third worker refused to run it and lives on.
    const starts = recordOf(e.record, id).filter((l) => l.kind === 'start')
    expect(starts.map((l) => l.pid)).toEqual(pids.slice(0, 2))
    expect(pids).toHaveLength(3)
    expect(processes.at(-1)?.child.exitCode).toBe(null)
    const view = await producer.jobs.get(id)
    expect(view.failedReason).toBe(
      'all 2 attempt(s) used: started 2 time(s), interrupted 2 time(s) (crash, lost lock or shutdown)',
    )
    expect(outcomes(view.history)).toEqual(['interrupted', 'interrupted'])
    // Named: the last worker that really ran it, not the one that only refused it.
    expect(view.history?.map((entry) => entry.workerId.split('-').at(-2))).toEqual(
      pids.slice(0, 2).map(String),
    )
    expect(view.workerId).toBe(view.history?.[1]?.workerId)
    expect(await waiter.counts('default')).toMatchObject({ failed: 1, active: 0, waiting: 0 })
  })

  it('a shutdown whose grace runs out hands the job back; it counts as one attempt', async () => {
    const { waiter, processes } = stack
    const e = env()
    const first = await startWorker({ ...e, JOBQ_GRACE_MS: '200' })
    processes.push(first)
    const { id } = await producer.jobs.enqueue('demo.sleep', { ms: 3_000, message: 'grace' })
    await eventually(
      () => recordOf(e.record, id),
      (lines) => lines.length === 1,
    )
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    const handedBack = await producer.jobs.get(id)
    expect(handedBack).toMatchObject({ state: 'waiting', attemptsStarted: 1, attemptsMade: 0 })
    expect(handedBack.history).toEqual([
      expect.objectContaining({
        attempt: 1,
        workerId: workerIdOf(first),
        outcome: 'handed-back',
        reason: 'the worker shut down and its grace period ran out',
      }),
    ])

    const second = await startWorker(e)
    processes.push(second)
    expect(await waiter.finished('default', id, 30_000)).toMatchObject({ state: 'completed' })
    const view = await producer.jobs.get(id)
    expect(view).toMatchObject({ attemptsStarted: 2, workerId: workerIdOf(second) })
    expect(outcomes(view.history)).toEqual(['handed-back', 'completed'])
  })

  it('a handler that blocks the event loop past its lock runs once and completes', async () => {
    const { waiter, processes } = stack
    // Lock 2 s, the handler blocks 7 s; a second worker's stalled check looks every 250 ms.
    const e = { ...env(), JOBQ_LOCK_MS: '2000' }
    const busy = await startWorker(e)
    processes.push(busy)
    const { id } = await producer.jobs.enqueue('field.busy', { ms: 7_000 })
    await eventually(
      () => recordOf(e.record, id),
      (lines) => lines.length === 1,
    )
    const other = await startWorker(e)
    processes.push(other)

    expect(await waiter.finished('default', id, 60_000)).toEqual({
      state: 'completed',
      result: { busyMs: 7_000 },
    })
    // The lock would have lapsed 2 s into the 7 s block: a second run would have begun by now.
    expect(recordOf(e.record, id)).toEqual([
      { kind: 'start', id, pid: busy.child.pid },
      { kind: 'done', id, pid: busy.child.pid },
    ])
    const view = await producer.jobs.get(id)
    expect(view).toMatchObject({ state: 'completed', attemptsStarted: 1, stalledCount: 0 })
    expect(outcomes(view.history)).toEqual(['completed'])
    expect(busy.output()).not.toMatch(/Missing lock/)
    // What kept the job: the worker's lock keeper, while the event loop was blocked.
    await busy.waitFor(/the lock keeper renewed locks/)
  })

  it('keeps every lock of the blocked worker, on a Redis that needs a user and password', async () => {
    const server = await startRedisServer({ args: ['--requirepass', 's3cret'] })
    const url = server.url.replace('redis://', 'redis://default:s3cret@')
    const redis = createRedis({ url, role: 'producer' })
    const waiter = new JobWaiter(url, stack.prefix)
    try {
      await waitForReady(redis, 5_000)
      const producer = createOperations({ registry, connection: redis, prefix: stack.prefix })
      const e = { ...env(), REDIS_URL: url, JOBQ_LOCK_MS: '1500' }
      // Two jobs at once on one worker: one waiting on a timer, and one that blocks the loop.
      const busy = await startWorker(e, ['default', '--concurrency', '2'])
      stack.processes.push(busy)
      const sleeper = await producer.jobs.enqueue('demo.sleep', { ms: 2_000, message: 'behind' })
      await waiter.active('default', sleeper.id)
      const blocker = await producer.jobs.enqueue('field.busy', { ms: 5_000 })
      await eventually(
        () => recordOf(e.record, blocker.id),
        (lines) => lines.length === 1,
      )
      const other = await startWorker(e)
      stack.processes.push(other)
      for (const { id } of [sleeper, blocker]) {
        expect(await waiter.finished('default', id, 60_000)).toMatchObject({ state: 'completed' })
        expect(recordOf(e.record, id).map((l) => `${l.kind} ${l.pid}`)).toEqual([
          `start ${busy.child.pid}`,
          `done ${busy.child.pid}`,
        ])
        const view = await producer.jobs.get(id)
        expect(outcomes(view.history)).toEqual(['completed'])
      }
      // Both locks kept (the thread logs it once the loop is free again).
      expect(await busy.waitFor(/the lock keeper renewed locks/)).toMatch(/"kept":2/)
      await producer.close()
    } finally {
      await waiter.close()
      redis.disconnect()
      await server.stop()
    }
  })
})
