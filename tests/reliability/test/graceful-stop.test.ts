import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { createOperations, type AnyRegistry, type Operations } from '@jobq/queue-core'
import { testRedisUrl, useHarness } from '@jobq/queue-core/testing'
import {
  eventually,
  exactlyOnce,
  readRecord,
  recordingRegistry,
  report,
  spawnWorker,
} from './support.js'

const { registry } = (await import(recordingRegistry)) as { registry: AnyRegistry }
const JOBS = 1_000

describe('2. graceful stop under load (SIGTERM to a pool)', () => {
  const stack = useHarness({ label: 'sigterm', registry })
  let producer: Operations
  beforeEach(() => {
    producer = stack.producer(createOperations)
  })

  async function sigtermUnderLoad(graceMs: number | undefined) {
    const { prefix, waiter, processes } = stack
    const record = join(stack.scratchDir(), 'record.log')
    const env = { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: prefix, record }
    const graceArgs = graceMs === undefined ? [] : ['--grace-ms', String(graceMs)]
    const pool = spawnWorker(
      ['default', '--processes', '2', '--concurrency', '10', ...graceArgs],
      env,
    )
    processes.push(pool)
    await eventually(
      () => producer.fleet.workers(),
      (list) => list.length === 2 && list.every((w) => w.state === 'idle'),
    )
    const poolPids = (await producer.fleet.workers()).map((w) => w.pid)

    const { ids } = await producer.jobs.enqueueBulk(
      'demo.sleep',
      Array.from({ length: JOBS }, (_, i) => ({ data: { ms: 20, message: String(i) } })),
    )
    await eventually(
      () => readRecord(record).dones.size,
      (n) => n >= JOBS / 5,
      { timeoutMs: 20_000, intervalMs: 10 },
    )
    pool.child.kill('SIGTERM')
    const stoppedAt = performance.now()
    const doneAtSigterm = readRecord(record).dones.size

    // The second worker takes whatever the pool leaves.
    const second = spawnWorker(['default', '--concurrency', '10'], env)
    processes.push(second)
    expect(await pool.exited).toBe(0)
    const drainMs = Math.round(performance.now() - stoppedAt)
    const handedBack = /grace period over/.test(pool.output())
    // With the default grace, active jobs finish; with none, they go back to the queue.
    expect(handedBack).toBe(graceMs === 0)

    const recorded = await eventually(
      () => readRecord(record),
      (r) => r.dones.size >= JOBS,
      { timeoutMs: 60_000, intervalMs: 100 },
    )
    await eventually(
      () => waiter.counts('default'),
      (c) => c.completed === JOBS,
    )
    // Side effects, not BullMQ's word: every id finished once, and none was begun twice.
    expect(exactlyOnce(recorded, ids)).toEqual({ missing: [], duplicated: [], unknown: [] })
    const startedTwice = [...recorded.starts.values()].filter((n) => n > 1).length
    if (graceMs === undefined) expect(startedTwice).toBe(0)
    else expect(startedTwice).toBeLessThanOrEqual(20) // at most the pool's active slots
    const byPool = [...recorded.doneBy.values()].filter((pid) => poolPids.includes(pid)).length
    const bySecond = [...recorded.doneBy.values()].filter((pid) => pid === second.child.pid).length
    expect(byPool).toBeGreaterThanOrEqual(doneAtSigterm)
    expect(bySecond).toBeGreaterThan(0)
    expect(byPool + bySecond).toBe(JOBS)
    expect(await waiter.counts('default')).toMatchObject({ completed: JOBS, failed: 0, active: 0 })

    report(`graceful-stop${graceMs === 0 ? '-no-grace' : ''}`, {
      jobs: JOBS,
      doneAtSigterm,
      drainMs,
      byPool,
      bySecond,
      startedTwice,
    })
  }

  it(`exits 0 mid-stream, and every one of ${JOBS} jobs runs exactly once overall`, () =>
    sigtermUnderLoad(undefined))

  it('exits 0 too when the grace period runs out: active jobs go back and finish elsewhere', () =>
    sigtermUnderLoad(0))
})
