import { randomUUID } from 'node:crypto'
import { beforeEach, describe, expect, it } from 'vitest'
import { checkpointRegistry } from '../../test/fixtures/checkpoint-registry.js'
import { openGate, seen, stepRuns, waitGate } from '../../test/fixtures/checkpoint-gates.js'
import { createOperations, type Operations } from '../operations/index.js'
import { eventually } from '../redis-server/index.js'
import { useHarness } from '../testing/index.js'
import { startWorker } from './boot.js'

describe('checkpoints and steps', () => {
  const h = useHarness({ label: 'ckpt', registry: checkpointRegistry })
  let producer: Operations
  beforeEach(() => {
    producer = h.producer(createOperations)
  })

  const jobKey = (id: string) => `${h.prefix}:saving:${id}`
  const savedCheckpoint = (id: string) => h.redis.hget(jobKey(id), 'jobqCheckpoint')
  /** The job's saved-work fields (checkpoint, steps, their count). */
  const savedFields = async (id: string) =>
    (await h.redis.hkeys(jobKey(id)))
      .filter((f) => f.startsWith('jobqCheckpoint') || f.startsWith('jobqStep'))
      .sort()
  const start = () => h.worker(startWorker, {})

  it('a retried attempt resumes from the checkpoint; the completion clears it', async () => {
    await start()
    const { id } = await producer.jobs.enqueue('test.saver', { then: 'fail' })
    expect(await h.waiter.finished('saving', id)).toEqual({
      state: 'completed',
      result: { resumedFrom: 5, attempt: 2 },
    })
    // The job is kept (completed), its saved work is not.
    expect(await h.redis.hexists(jobKey(id), 'name')).toBe(1)
    await eventually(
      () => savedFields(id),
      (fields) => fields.length === 0,
    )
  })

  it('a job that fails for good loses its checkpoint', async () => {
    await start()
    const { id } = await producer.jobs.enqueue('test.saver', { then: 'fail-for-good' })
    expect(await h.waiter.finished('saving', id)).toMatchObject({ state: 'failed' })
    expect(await h.redis.hexists(jobKey(id), 'name')).toBe(1)
    await eventually(
      () => savedFields(id),
      (fields) => fields.length === 0,
    )
  })

  it('resumes after a timeout cut the attempt', async () => {
    await start()
    const { id } = await producer.jobs.enqueue('test.timed-saver', { then: 'hang' })
    expect(await h.waiter.finished('saving', id)).toEqual({
      state: 'completed',
      result: { resumedFrom: 5, attempt: 2 },
    })
  })

  it('resumes on another worker after a shutdown whose grace ran out', async () => {
    const first = await start()
    const { id } = await producer.jobs.enqueue('test.saver', { then: 'hang' })
    await eventually(
      () => savedCheckpoint(id),
      (json) => json !== null,
    )
    expect(await first.close(100)).toMatchObject({ drained: false })
    expect(JSON.parse((await savedCheckpoint(id)) ?? 'null')).toEqual({ index: 5, total: 50 })
    await start()
    expect(await h.waiter.finished('saving', id)).toMatchObject({
      state: 'completed',
      result: { resumedFrom: 5 },
    })
  })

  it("refuses the save of a run that lost its lock, and keeps the new owner's checkpoint", async () => {
    const worker = await start()
    const gate = randomUUID()
    const { id } = await producer.jobs.enqueue('test.saver', { then: 'wait-gate', gate })
    await waitGate(`${gate}:saved`)
    // Another worker owns the job now (its lock, its checkpoint): what a reclaim after a lost
    // lock leaves behind.
    const theirs = JSON.stringify({ index: 7, total: 70 })
    await h.redis.set(`${jobKey(id)}:lock`, 'the-new-owner', 'PX', 60_000)
    await h.redis.hset(jobKey(id), 'jobqCheckpoint', theirs)
    openGate(`${gate}:go`)
    await waitGate(`${gate}:refused`)
    expect(seen.get(gate)).toBe('CheckpointError/lock-lost')
    expect(seen.get(`${gate}:aborted`)).toBe('true') // the stale run is aborted
    expect(await savedCheckpoint(id)).toBe(theirs)
    // Nor can the stale run finish the job: it stays the new owner's.
    await worker.close(1_000)
    expect(await h.redis.get(`${jobKey(id)}:lock`)).toBe('the-new-owner')
    expect(await savedCheckpoint(id)).toBe(theirs)
  })

  it('takes back a lock that lapsed while the job stayed active (Redis restarted from its AOF), and saves', async () => {
    await start()
    const gate = randomUUID()
    const { id } = await producer.jobs.enqueue('test.saver', { then: 'wait-gate', gate })
    await waitGate(`${gate}:saved`)
    await h.redis.del(`${jobKey(id)}:lock`) // as an AOF restart expires it; the job is active
    openGate(`${gate}:go`)
    // The save took the lock back: the first attempt completes (a refusal would fail it).
    expect(await h.waiter.finished('saving', id)).toEqual({
      state: 'completed',
      result: { resumedFrom: null, attempt: 1 },
    })
    expect(seen.has(gate)).toBe(false)
  })

  it('refuses a checkpoint that fails the schema or the size bound, saving nothing', async () => {
    await start()
    const invalid = await producer.jobs.enqueue('test.misuse', { state: { index: 'x', total: 1 } })
    const large = await producer.jobs.enqueue('test.misuse', {
      state: { index: 1, total: 1, pad: 'x'.repeat(70_000) },
    })
    const step = await producer.jobs.enqueue('test.misuse', {
      state: { index: 1, total: 1 },
      stepBytes: 70_000,
    })
    const [a, b, c] = await Promise.all(
      [invalid, large, step].map(({ id }) => h.waiter.finished('saving', id)),
    )
    expect(a).toMatchObject({ state: 'completed', result: { reason: 'invalid' } })
    expect((a as { result: { error: string } }).result.error).toMatch(/checkpoint schema: index:/)
    expect(b).toMatchObject({ state: 'completed', result: { reason: 'too-large' } })
    expect(c).toMatchObject({ state: 'completed', result: { reason: 'too-large' } })
    expect((c as { result: { error: string } }).result.error).toMatch(/step "big"/)
    for (const { id } of [invalid, large]) expect(await savedCheckpoint(id)).toBeNull()
  })

  it('runs each step once per job: a retry and a second call get the saved result', async () => {
    await start()
    const key = randomUUID()
    const { id } = await producer.jobs.enqueue('test.stepper', { key, failFirst: true })
    expect(await h.waiter.finished('saving', id)).toEqual({
      state: 'completed',
      result: { charge: { run: 1, at: 1 }, again: { run: 1, at: 1 }, attempt: 2 },
    })
    expect(stepRuns.get(`${key}:charge`)).toBe(1)
    expect(stepRuns.get(`${key}:nothing`)).toBe(1) // undefined is a result too
    await eventually(
      () => savedFields(id),
      (fields) => fields.length === 0,
    )
  })
})
