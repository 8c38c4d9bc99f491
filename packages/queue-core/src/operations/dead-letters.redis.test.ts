import { beforeEach, describe, expect, it } from 'vitest'
import { bulkRegistry } from '../../test/fixtures/bulk-registry.js'
import { runs } from '../../test/fixtures/payment.handler.js'
import { JobValidationError } from '../errors.js'
import { eventually, useHarness } from '../testing/index.js'
import { startWorker } from '../worker/boot.js'
import { createOperations, type Operations } from './index.js'

type Mode = 'ok' | 'fail' | 'permanent'

describe('dead letters (real Redis)', () => {
  const h = useHarness({ registry: bulkRegistry })
  let producer: Operations

  beforeEach(() => {
    producer = h.producer(createOperations)
  })

  const pay = async (customerId: string, mode: Mode, reason?: string) =>
    (await producer.jobs.enqueue('test.payment', { customerId, mode, ...(reason && { reason }) }))
      .id
  const stateOf = async (id: string) => (await producer.jobs.get(id)).state
  const settled = (ids: string[], state: string) =>
    eventually(
      () => Promise.all(ids.map(stateOf)),
      (states) => states.every((s) => s === state),
      { what: `${ids.length} jobs ${state}`, timeoutMs: 60_000 },
    )
  const until = async (id: string) =>
    eventually(
      () => producer.bulk.get(id),
      (op) => op?.state !== 'running',
      { what: `operation ${id} ends`, timeoutMs: 60_000 },
    )

  it('lists jobs whose attempts ran out and jobs that failed permanently, with filters, and counts them', async () => {
    await h.worker(startWorker, {})
    const exhausted = await pay('c1', 'fail', 'gateway')
    const permanent = await pay('c2', 'permanent', 'card declined')
    const fine = await pay('c1', 'ok')
    await settled([exhausted, permanent], 'failed')
    await settled([fine], 'completed')
    expect(runs.get(exhausted)).toBe(2)
    expect(runs.get(permanent)).toBe(1)

    const all = await producer.deadLetters.list({ queue: 'payments' })
    // Newest failure first; a completed job is no dead letter.
    expect(all.jobs.map((job) => job.id).sort()).toEqual([exhausted, permanent].sort())
    expect(all.nextCursor).toBeNull()
    const declined = await producer.deadLetters.list({ name: 'test.payment', reason: 'DECLINED' })
    expect(declined.jobs.map((job) => job.id)).toEqual([permanent])
    const ofC1 = await producer.deadLetters.list({ name: 'test.payment', customerId: 'c1' })
    expect(ofC1.jobs.map((job) => job.id)).toEqual([exhausted])
    const later = await producer.deadLetters.list({
      queue: 'payments',
      from: new Date(Date.now() + 60_000).toISOString(),
    })
    expect(later.jobs).toEqual([])

    const page1 = await producer.deadLetters.list({ queue: 'payments', limit: '1' })
    expect(page1.jobs).toHaveLength(1)
    const page2 = await producer.deadLetters.list({
      queue: 'payments',
      limit: '1',
      cursor: page1.nextCursor!,
    })
    expect([page1.jobs[0]!.id, page2.jobs[0]!.id].sort()).toEqual([exhausted, permanent].sort())

    expect(await producer.deadLetters.counts()).toEqual([{ queue: 'payments', count: 2 }])
    await expect(producer.deadLetters.list({})).rejects.toThrow(JobValidationError)
  })

  it('redrives each dead letter once when two redrives with an edited payload race, and refuses an invalid payload before anything moves', async () => {
    const worker = await h.worker(startWorker, {})
    const ids = await Promise.all(
      Array.from({ length: 60 }, (_, n) => pay(`c${n % 3}`, 'permanent', 'declined')),
    )
    await settled(ids, 'failed')

    const body = { filter: { name: 'test.payment' }, data: { customerId: 'c9', mode: 'nope' } }
    await expect(producer.bulk.start('redrive', body)).rejects.toThrow(JobValidationError)
    await expect(producer.bulk.dryRun('redrive', body)).rejects.toThrow(/data\.mode|invalid/)
    expect((await producer.deadLetters.counts())[0]!.count).toBe(60)

    // Stop taking jobs while both operations select, so both see all 60 failed.
    await worker.close()
    const edited = { filter: { name: 'test.payment' }, data: { customerId: 'c9', mode: 'ok' } }
    const [a, b] = await Promise.all([
      producer.bulk.start('redrive', edited),
      producer.bulk.start('redrive', edited),
    ])
    expect([a.matched, b.matched]).toEqual([60, 60])
    const [endA, endB] = await Promise.all([until(a.id), until(b.id)])
    expect([endA!.state, endB!.state]).toEqual(['done', 'done'])
    expect(endA!.done + endB!.done).toBe(60)
    expect(endA!.skipped + endB!.skipped).toBe(60)

    await h.worker(startWorker, {})
    await settled(ids, 'completed')
    for (const id of ids) expect(runs.get(id)).toBe(2)
    const job = await producer.jobs.get(ids[0]!)
    expect(job.data).toEqual({ customerId: 'c9', mode: 'ok', reason: 'declined' })
    // The edited payload is searchable under its new field value, no longer under the old one.
    const c9 = await producer.jobs.search({ name: 'test.payment', customerId: 'c9', limit: '200' })
    expect(c9.jobs).toHaveLength(60)
    const c0 = await producer.jobs.search({ name: 'test.payment', customerId: 'c0' })
    expect(c0.jobs).toEqual([])
    expect((await producer.deadLetters.counts())[0]!.count).toBe(0)
  })
})
