import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { createOperations, type AnyRegistry, type Operations } from '@jobq/queue-core'
import { testRedisUrl, useHarness } from '@jobq/queue-core/testing'
import { eventually, readRecord, recordingRegistry, report, spawnWorker } from './support.js'

const { registry } = (await import(recordingRegistry)) as { registry: AnyRegistry }

describe('1. worker crash (kill -9 mid-job)', () => {
  const stack = useHarness({ label: 'crash', registry })
  let producer: Operations
  beforeEach(() => {
    producer = stack.producer(createOperations)
  })

  it('runs the job again on another worker, completes it exactly once, and shows the history', async () => {
    const { prefix, waiter, processes } = stack
    const record = join(stack.scratchDir(), 'record.log')
    const env = {
      REDIS_URL: testRedisUrl(),
      JOBQ_PREFIX: prefix,
      record,
      // Production keeps BullMQ's 30 s; a short lock makes the stalled check find the job fast.
      JOBQ_LOCK_MS: '1000',
      JOBQ_STALLED_INTERVAL_MS: '250',
    }
    const first = spawnWorker(['default', '--concurrency', '1'], env)
    processes.push(first)
    await first.waitFor(/worker taking jobs/)
    const { id } = await producer.jobs.enqueue('demo.sleep', { ms: 1_500, message: 'crash me' })
    await eventually(
      () => readRecord(record).starts.get(id) ?? 0,
      (n) => n === 1,
    )
    const firstRecordId = (await producer.jobs.get(id)).workerId

    const second = spawnWorker(['default', '--concurrency', '1'], env)
    processes.push(second)
    await eventually(
      () => producer.fleet.workers(),
      (list) => list.length === 2 && list.every((w) => w.state !== 'starting'),
    )

    first.child.kill('SIGKILL')
    const killedAt = performance.now()
    expect(await first.exited).toBe('SIGKILL')
    expect(readRecord(record).dones.get(id)).toBeUndefined() // it died mid-job

    const outcome = await waiter.finished('default', id, 30_000)
    const recoveredMs = Math.round(performance.now() - killedAt)
    expect(outcome).toEqual({ state: 'completed', result: { sleptMs: 1_500, message: 'crash me' } })

    // Exactly once, by the handler's own side effect: two attempts began, one finished, on the
    // second worker.
    const recorded = readRecord(record)
    expect(recorded.starts.get(id)).toBe(2)
    expect(recorded.dones.get(id)).toBe(1)
    expect(recorded.doneBy.get(id)).toBe(second.child.pid)

    // What a user reads with GET /v1/jobs/:id: two attempts taken up, one stall, the survivor.
    const view = await producer.jobs.get(id)
    expect(view).toMatchObject({
      state: 'completed',
      attemptsMade: 1,
      attemptsStarted: 2,
      stalledCount: 1,
      failedReason: null,
    })
    expect(view.workerId).not.toBe(firstRecordId)
    expect((await producer.fleet.workers()).map((w) => w.id)).toContain(view.workerId)
    expect(await waiter.counts('default')).toMatchObject({ completed: 1, active: 0, waiting: 0 })

    report('worker-crash', { recoveredMs, handlerMs: 1_500, lockMs: 1_000, stalledIntervalMs: 250 })
  })
})
