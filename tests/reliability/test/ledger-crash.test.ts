import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeEach, describe, expect, it } from 'vitest'
import { createOperations, type AnyRegistry, type Operations } from '@jobq/queue-core'
import { testRedisUrl, useHarness } from '@jobq/queue-core/testing'
import { eventually, report, spawnWorker } from './support.js'

const jobsRegistry = fileURLToPath(new URL('../fixtures/jobs-registry.mjs', import.meta.url))
const { registry } = (await import(jobsRegistry)) as { registry: AnyRegistry }

/** The saved `{ index, total }` of demo.ledger (index: the next row to add). */
interface Checkpoint {
  index: number
  total: number
}

interface LedgerResult {
  total: number
  resumedFrom: number
  processed: number
}

/** `n` rows whose amounts vary, some negative, so a row added twice or skipped changes the sum. */
const rowsOf = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ amount: ((i * 7_919) % 1_000) - 300 }))
const sumOf = (rows: { amount: number }[]) => rows.reduce((sum, row) => sum + row.amount, 0)

describe('demo.ledger on worker processes: a later attempt resumes from the last checkpoint', () => {
  const stack = useHarness({ label: 'ledger', registry })
  let producer: Operations
  beforeEach(() => {
    producer = stack.producer(createOperations)
  })

  const workerEnv = () => ({
    REDIS_URL: testRedisUrl(),
    JOBQ_PREFIX: stack.prefix,
    record: join(stack.scratchDir(), 'record.log'),
    JOBQ_REGISTRY: jobsRegistry,
    // Production keeps BullMQ's 30 s; a short lock makes the stalled check find the job fast.
    JOBQ_LOCK_MS: '1000',
    JOBQ_STALLED_INTERVAL_MS: '250',
  })

  async function startWorker(env: ReturnType<typeof workerEnv>, extra: string[] = []) {
    const worker = spawnWorker(['default', '--concurrency', '1', ...extra], env)
    stack.processes.push(worker)
    await worker.waitFor(/worker taking jobs/)
    return worker
  }

  /** Enqueues a ledger whose rows cost 1 ms each: slow enough to be stopped mid-way. */
  const enqueueSlowLedger = (rows: { amount: number }[], checkpointEvery: number, options = {}) =>
    producer.jobs.enqueue('demo.ledger', { rows, checkpointEvery, rowCostMs: 1 }, options)

  const checkpointOf = async (id: string): Promise<Checkpoint | undefined> => {
    const json = await stack.redis.hget(`${stack.prefix}:default:${id}`, 'jobqCheckpoint')
    return json === null ? undefined : (JSON.parse(json) as Checkpoint)
  }

  /** Awaits a checkpoint at `index` or beyond: the job is mid-way. */
  const midway = (id: string, index: number) =>
    eventually(
      () => checkpointOf(id),
      (saved) => (saved?.index ?? 0) >= index,
      { timeoutMs: 60_000 },
    )

  /** The job's outcome, checked: the right total, resumed from a checkpoint past the start. */
  async function expectResumed(id: string, rows: { amount: number }[]) {
    const outcome = await stack.waiter.finished('default', id, 180_000)
    expect(outcome).toMatchObject({ state: 'completed' })
    const result = (outcome as { result: LedgerResult }).result
    expect(result.total).toBe(sumOf(rows))
    expect(result.resumedFrom).toBeGreaterThan(0)
    // The finished job keeps no checkpoint.
    await eventually(
      () => checkpointOf(id),
      (saved) => saved === undefined,
    )
    return result
  }

  it("kill -9: finishes with the straight run's total, without redoing the rows before the checkpoint", async () => {
    const rows = rowsOf(20_000)
    const env = workerEnv()
    const first = await startWorker(env)
    const { id } = await enqueueSlowLedger(rows, 500)
    await midway(id, 1_500)
    first.child.kill('SIGKILL')
    expect(await first.exited).toBe('SIGKILL')
    const last = (await checkpointOf(id))!
    expect(last.index).toBeLessThan(rows.length)

    await startWorker(env)
    const resumed = await expectResumed(id, rows)
    expect(resumed.resumedFrom).toBe(last.index)
    const straight = await producer.jobs.enqueue('demo.ledger', { rows, checkpointEvery: 500 })
    expect(await stack.waiter.finished('default', straight.id, 60_000)).toEqual({
      state: 'completed',
      result: { total: resumed.total, resumedFrom: 0, processed: rows.length },
    })
    report('ledger-crash', {
      rows: rows.length,
      resumedFrom: last.index,
      processedAfterCrash: rows.length - last.index,
    })
  })

  it('timeout: each attempt cut by its timeout goes on from the checkpoint the one before saved', async () => {
    // About 900 rows a second at 1 ms a row: 3,000 rows need several 1.5 s attempts, and
    // can only finish if each attempt starts where the one before stopped.
    const rows = rowsOf(3_000)
    await startWorker(workerEnv())
    const { id } = await enqueueSlowLedger(rows, 100, { timeoutMs: 1_500 })
    // resumedFrom > 0: the attempt that finished began where a timed-out one had saved.
    const result = await expectResumed(id, rows)
    report('ledger-timeout', { rows: rows.length, lastResumedFrom: result.resumedFrom })
  })

  it('graceful stop whose grace runs out: the next worker resumes from the last checkpoint', async () => {
    const rows = rowsOf(6_000)
    const env = workerEnv()
    const first = await startWorker(env, ['--grace-ms', '200'])
    const { id } = await enqueueSlowLedger(rows, 250)
    await midway(id, 1_000)
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    expect(first.output()).toMatch(/grace period over/)
    const last = (await checkpointOf(id))!

    await startWorker(env)
    const resumed = await expectResumed(id, rows)
    expect(resumed.resumedFrom).toBe(last.index)
    report('ledger-graceful-stop', { rows: rows.length, resumedFrom: last.index })
  })
})
