import { beforeEach, describe, expect, it } from 'vitest'
import { bulkRegistry } from '../../test/fixtures/bulk-registry.js'
import { runs } from '../../test/fixtures/payment.handler.js'
import { JobValidationError } from '../errors.js'
import { eventually, useHarness } from '../testing/index.js'
import { startWorker } from '../worker/boot.js'
import { OperationRecord } from './bulk/record.js'
import { createOperations, type Operations } from './index.js'

type Mode = 'ok' | 'fail' | 'permanent'

describe('bulk actions on a filter (real Redis)', () => {
  const h = useHarness({ registry: bulkRegistry })
  let producer: Operations

  beforeEach(() => {
    producer = h.producer(createOperations)
  })

  const items = (count: number, mode: Mode, reason: string, from = 0) =>
    Array.from({ length: count }, (_, n) => ({
      data: { customerId: `c${(from + n) % 10}`, mode, reason },
    }))
  const counts = () => h.waiter.counts('payments')
  const until = async (id: string) =>
    (await eventually(
      () => producer.bulk.get(id),
      (op) => op?.state !== 'running',
      { what: `operation ${id} ends`, timeoutMs: 120_000 },
    ))!

  it('retries 1,000 failed jobs matching a reason substring, each exactly once, while other jobs keep flowing', async () => {
    const worker = await h.worker(startWorker, {})
    const declined = await producer.jobs.enqueueBulk(
      'test.payment',
      items(1_000, 'permanent', 'Card DECLINED by issuer'),
    )
    const blocked = await producer.jobs.enqueueBulk(
      'test.payment',
      items(200, 'permanent', 'account blocked'),
    )
    await eventually(counts, (c) => c.failed === 1_200, { timeoutMs: 120_000 })

    const filter = { queue: 'payments', reason: 'declined' }
    const dry = await producer.bulk.dryRun('retry', { filter })
    expect(dry).toEqual({ action: 'retry', dryRun: true, matched: 1_000, more: false })
    expect((await counts()).failed).toBe(1_200)

    // Other jobs flow through the same worker while the operation runs.
    const others = await producer.jobs.enqueueBulk('test.payment', items(300, 'ok', '-'))
    const op = await producer.bulk.start('retry', { filter })
    expect(op).toMatchObject({ action: 'retry', state: 'running', matched: 1_000, done: 0 })
    const end = await until(op.id)
    expect(end).toMatchObject({ state: 'done', matched: 1_000, done: 1_000, skipped: 0 })
    expect(Date.parse(end.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(end.createdAt))

    await eventually(counts, (c) => c.failed === 1_200 && c.completed === 300, {
      timeoutMs: 120_000,
    })
    for (const id of declined.ids) expect(runs.get(id)).toBe(2)
    for (const id of blocked.ids) expect(runs.get(id)).toBe(1)
    for (const id of others.ids) expect(runs.get(id)).toBe(1)
    // Fresh attempts: the retried job's attempts count from 0 again.
    expect((await producer.jobs.get(declined.ids[0]!)).attemptsMade).toBe(1)
    await worker.close()
  })

  it('a dry run changes nothing; a job that moved on is skipped and counted', async () => {
    const delayed = await producer.jobs.enqueueBulk(
      'test.payment',
      items(5, 'ok', '-').map((item) => ({ ...item, options: { delay: 3_600_000 } })),
    )
    const filter = { name: 'test.payment', customerId: 'c1', state: 'delayed' as const }
    expect(await producer.bulk.dryRun('remove', { filter })).toMatchObject({ matched: 1 })
    expect((await counts()).delayed).toBe(5)

    // Promoted by hand after the request was made: the bulk promote skips it.
    await producer.bulk.start('promote', { ids: [delayed.ids[0]!] }).then((op) => until(op.id))
    const op = await producer.bulk.start('promote', { ids: delayed.ids })
    expect(await until(op.id)).toMatchObject({ state: 'done', matched: 5, done: 4, skipped: 1 })
    expect((await counts()).delayed).toBe(0)

    const removed = await producer.bulk.start('remove', {
      filter: { queue: 'payments', state: 'waiting' },
    })
    expect(await until(removed.id)).toMatchObject({ done: 5, skipped: 0 })
    expect(Object.values(await counts()).reduce((a, b) => a + b, 0)).toBe(0)
    // Its search entries went with it.
    expect((await producer.jobs.search({ name: 'test.payment', customerId: 'c1' })).jobs).toEqual(
      [],
    )
  })

  it('cancels waiting jobs on a filter, and skips an unknown id', async () => {
    const waiting = await producer.jobs.enqueueBulk('test.payment', items(3, 'ok', '-'))
    const op = await producer.bulk.start('cancel', { ids: [...waiting.ids, 'no-such-job'] })
    expect(await until(op.id)).toMatchObject({ matched: 4, done: 3, skipped: 1 })
    expect((await counts()).waiting).toBe(0)
  })

  it('refuses bad requests before anything moves', async () => {
    await producer.jobs.enqueueBulk('test.payment', items(2, 'ok', '-'))
    const refusals = [
      ['explode', { filter: { queue: 'payments', state: 'waiting' } }],
      ['remove', { filter: { queue: 'payments' } }],
      ['retry', { filter: { queue: 'payments', state: 'waiting' } }],
      ['remove', {}],
      ['remove', { ids: ['a'], filter: { queue: 'payments' } }],
      ['cancel', { ids: ['x'], data: {} }],
      ['remove', { filter: { state: 'waiting' } }],
      ['remove', { filter: { name: 'test.payment', state: 'waiting', amount: '1' } }],
    ] as const
    for (const [action, body] of refusals) {
      await expect(producer.bulk.start(action, body), action).rejects.toThrow(JobValidationError)
    }
    expect((await counts()).waiting).toBe(2)
    expect(await producer.bulk.get('00000000-0000-0000-0000-000000000000')).toBeUndefined()
  })

  it('reads an operation whose process stopped renewing its lease as interrupted', async () => {
    const record = await OperationRecord.create(h.redis, h.prefix, {
      id: 'op-cut-off',
      action: 'retry',
      matched: 10,
      more: false,
    })
    record.abandon()
    expect((await producer.bulk.get('op-cut-off'))!.state).toBe('running')
    await h.redis.del(`${h.prefix}:bulk-op:{op-cut-off}:lease`)
    expect(await producer.bulk.get('op-cut-off')).toMatchObject({
      state: 'interrupted',
      matched: 10,
      done: 0,
      finishedAt: null,
    })
  })
})
