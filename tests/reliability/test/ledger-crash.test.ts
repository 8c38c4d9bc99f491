import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeEach, describe, expect, it } from 'vitest'
import { createOperations, type AnyRegistry, type Operations } from '@jobq/queue-core'
import { testRedisUrl, useHarness } from '@jobq/queue-core/testing'
import { eventually, report, spawnWorker } from './support.js'

const jobsRegistry = fileURLToPath(new URL('../fixtures/jobs-registry.mjs', import.meta.url))
const { registry } = (await import(jobsRegistry)) as { registry: AnyRegistry }
const ROWS = 20_000

describe('demo.ledger: kill -9 mid-job, resumed on another worker from its last checkpoint', () => {
  const stack = useHarness({ label: 'ledger', registry })
  let producer: Operations
  beforeEach(() => {
    producer = stack.producer(createOperations)
  })

  it("finishes with the straight run's total, without redoing the rows before the checkpoint", async () => {
    const { prefix, waiter, processes } = stack
    const env = {
      REDIS_URL: testRedisUrl(),
      JOBQ_PREFIX: prefix,
      record: join(stack.scratchDir(), 'record.log'),
      JOBQ_REGISTRY: jobsRegistry,
      // Production keeps BullMQ's 30 s; a short lock makes the stalled check find the job fast.
      JOBQ_LOCK_MS: '1000',
      JOBQ_STALLED_INTERVAL_MS: '250',
    }
    const rows = Array.from({ length: ROWS }, (_, i) => ({ amount: ((i * 7_919) % 1_000) - 300 }))
    const first = spawnWorker(['default', '--concurrency', '1'], env)
    processes.push(first)
    await first.waitFor(/worker taking jobs/)
    const { id } = await producer.jobs.enqueue('demo.ledger', {
      rows,
      checkpointEvery: 500,
      rowCostMs: 1,
    })
    const checkpoint = async () => {
      const json = await stack.redis.hget(`${prefix}:default:${id}`, 'jobqCheckpoint')
      return json === null ? undefined : (JSON.parse(json) as { index: number; total: number })
    }
    // Mid-job: a few checkpoints saved, most rows still to go.
    await eventually(checkpoint, (saved) => (saved?.index ?? 0) >= 1_500, { timeoutMs: 60_000 })
    first.child.kill('SIGKILL')
    expect(await first.exited).toBe('SIGKILL')
    const last = (await checkpoint())!
    expect(last.index).toBeLessThan(ROWS)

    const second = spawnWorker(['default', '--concurrency', '1'], env)
    processes.push(second)
    const outcome = await waiter.finished('default', id, 180_000)
    const straight = await producer.jobs.enqueue('demo.ledger', { rows, checkpointEvery: 500 })
    const straightOutcome = await waiter.finished('default', straight.id, 60_000)
    expect(straightOutcome).toMatchObject({
      state: 'completed',
      result: { resumedFrom: 0, processed: ROWS },
    })
    const { total } = (straightOutcome as { result: { total: number } }).result
    // The same total; the resumed attempt started at the last checkpoint and did only the rest.
    expect(outcome).toEqual({
      state: 'completed',
      result: { total, resumedFrom: last.index, processed: ROWS - last.index },
    })
    expect(total).toBe(rows.reduce((sum, row) => sum + row.amount, 0))
    // The finished job keeps no checkpoint.
    await eventually(checkpoint, (saved) => saved === undefined)
    report('ledger-crash', {
      rows: ROWS,
      resumedFrom: last.index,
      processedAfterCrash: ROWS - last.index,
    })
  })
})
