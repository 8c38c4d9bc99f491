import { once } from 'node:events'
import { beforeEach, describe, expect, it } from 'vitest'
import { dedupeRegistry } from '../../test/fixtures/dedupe-registry.js'
import { folds } from '../../test/fixtures/fold.handler.js'
import { waitForReady } from '../connection.js'
import { JobNotFoundError, JobValidationError } from '../errors.js'
import { eventually, useHarness, type JobWaiter } from '../testing/index.js'
import { startWorker } from '../worker/boot.js'
import { createOperations, type Operations } from './index.js'

describe('dedupe, throttle and debounce (real Redis, BullMQ deduplication)', () => {
  const h = useHarness({ registry: dedupeRegistry })
  let producer: Operations
  let waiter: JobWaiter

  beforeEach(() => {
    waiter = h.waiter
    producer = h.producer(createOperations)
  })

  const enqueue = (name: string, key: string, n: number, more: object = {}, options?: object) =>
    producer.jobs.enqueue(`test.${name}`, { key, n, ...more }, options)
  /** Every job of the queue, by state. */
  const counts = () => waiter.counts('folds')
  /** BullMQ's dedupe key of `key` of job `name` (namespaced by the job). */
  const dedupeKey = (name: string, key: string) => `${h.prefix}:folds:de:test.${name}:${key}`
  /** Resolves with the id of the next run started in this process. */
  const nextStart = async () => ((await once(folds, 'started')) as [string, unknown])[0]

  describe('dedupe', () => {
    it('drops a duplicate while the job waits; other keys and other jobs are their own', async () => {
      const first = await enqueue('deduped', 'k1', 1)
      expect(first).toMatchObject({ outcome: 'created', created: true, state: 'waiting' })
      const again = await enqueue('deduped', 'k1', 2)
      expect(again).toMatchObject({
        id: first.id,
        outcome: 'deduplicated',
        created: false,
        state: 'waiting',
        enqueuedAt: first.enqueuedAt,
      })
      expect((await enqueue('deduped', 'k2', 3)).outcome).toBe('created')
      // The same key of another job: a key is namespaced by the job's name.
      expect((await enqueue('throttled', 'k1', 4)).outcome).toBe('created')
      expect((await producer.jobs.get(first.id)).data).toMatchObject({ n: 1 })
      expect(await counts()).toMatchObject({ waiting: 3 })
    })

    it('gives exactly one created among 30 concurrent enqueues of one key, from two producers', async () => {
      // Its own connection: the two producers' transactions interleave only in Redis.
      const connection = h.connect('producer')
      await waitForReady(connection, 5_000)
      const other = h.track(
        'second producer',
        createOperations({ registry: dedupeRegistry, connection, prefix: h.prefix }),
        (p) => p.close(),
      )
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, n) =>
          n % 2
            ? enqueue('deduped', 'hot', n)
            : other.jobs.enqueue('test.deduped', { key: 'hot', n }),
        ),
      )
      const created = answers.filter((a) => a.outcome === 'created')
      expect(created).toHaveLength(1)
      expect(new Set(answers.map((a) => a.id))).toEqual(new Set([created[0]!.id]))
      expect(answers.filter((a) => a.outcome === 'deduplicated')).toHaveLength(29)
      expect(await counts()).toMatchObject({ waiting: 1 })
    })

    it('keeps dropping while the job runs, and releases the key when it completes', async () => {
      const first = await enqueue('deduped', 'k', 1, { ms: 300 })
      const started = nextStart()
      await h.worker(startWorker, {})
      expect(await started).toBe(first.id)
      const during = await enqueue('deduped', 'k', 2)
      expect(during).toMatchObject({ id: first.id, outcome: 'deduplicated', state: 'active' })
      expect(await waiter.finished('folds', first.id)).toEqual({
        state: 'completed',
        result: { key: 'k', n: 1 },
      })
      expect(await h.redis.exists(dedupeKey('deduped', 'k'))).toBe(0)
      const after = await enqueue('deduped', 'k', 3)
      expect(after).toMatchObject({ outcome: 'created' })
      expect(after.id).not.toBe(first.id)
      expect((await waiter.finished('folds', after.id)).state).toBe('completed')
    })

    it('releases the key when the job fails for good; a manual retry runs it without the key', async () => {
      await h.worker(startWorker, {})
      const failing = await enqueue('deduped', 'k', 1, { fail: true })
      expect((await waiter.finished('folds', failing.id)).state).toBe('failed')
      const next = await enqueue('deduped', 'k', 2, { ms: 0 })
      expect(next.outcome).toBe('created')
      expect((await waiter.finished('folds', next.id)).state).toBe('completed')
      // The retried job runs again; it does not take the key back (BullMQ's retry does not).
      await producer.control.retry(failing.id)
      expect((await waiter.finished('folds', failing.id)).state).toBe('failed')
      expect(await h.redis.exists(dedupeKey('deduped', 'k'))).toBe(0)
    })

    it('a cancel of the waiting job releases its key', async () => {
      const first = await enqueue('deduped', 'k', 1)
      expect((await producer.control.cancel(first.id)).outcome).toBe('removed')
      const next = await enqueue('deduped', 'k', 2)
      expect(next).toMatchObject({ outcome: 'created' })
      expect(next.id).not.toBe(first.id)
    })

    it('with ttlMs: the key lasts at most ttlMs, and its job ending releases it', async () => {
      const first = await enqueue('deduped-ttl', 'k', 1)
      const key = dedupeKey('deduped-ttl', 'k')
      const pttl = await h.redis.pttl(key)
      expect(pttl).toBeGreaterThan(50_000)
      expect(pttl).toBeLessThanOrEqual(60_000)
      expect((await enqueue('deduped-ttl', 'k', 2)).outcome).toBe('deduplicated')
      await h.worker(startWorker, {})
      expect((await waiter.finished('folds', first.id)).state).toBe('completed')
      // The worker releases it (BullMQ alone would keep a key with a TTL for its whole window).
      await eventually(
        () => h.redis.exists(key),
        (n) => n === 0,
        { what: 'the key released' },
      )
      const next = await enqueue('deduped-ttl', 'k', 3)
      expect(next.outcome).toBe('created')
      expect((await waiter.finished('folds', next.id)).state).toBe('completed')
    })

    it('a delayed job holds its key too', async () => {
      const first = await enqueue('deduped', 'k', 1, {}, { delay: 60_000 })
      expect(first).toMatchObject({ outcome: 'created', state: 'delayed' })
      const again = await enqueue('deduped', 'k', 2)
      expect(again).toMatchObject({ id: first.id, outcome: 'deduplicated', state: 'delayed' })
    })
  })

  describe('throttle', () => {
    it('keeps the first job of a window and takes a new one after it', async () => {
      const first = await enqueue('throttled', 'k', 1)
      const pttl = await h.redis.pttl(dedupeKey('throttled', 'k'))
      expect(pttl).toBeGreaterThan(0)
      expect(pttl).toBeLessThanOrEqual(400)
      expect(await enqueue('throttled', 'k', 2)).toMatchObject({
        id: first.id,
        outcome: 'deduplicated',
      })
      expect((await enqueue('throttled', 'other', 3)).outcome).toBe('created')
      await h.worker(startWorker, {})
      const key = dedupeKey('throttled', 'k')
      await eventually(
        () => h.redis.exists(key),
        (n) => n === 0,
        { what: 'the window to end' },
      )
      const next = await enqueue('throttled', 'k', 5)
      expect(next).toMatchObject({ outcome: 'created' })
      expect(await waiter.finished('folds', next.id)).toEqual({
        state: 'completed',
        result: { key: 'k', n: 5 },
      })
    })

    it('a finished job still holds its window: later enqueues answer it, completed', async () => {
      await h.worker(startWorker, {})
      const first = await enqueue('throttled-long', 'k', 1)
      expect((await waiter.finished('folds', first.id)).state).toBe('completed')
      expect(await enqueue('throttled-long', 'k', 2)).toMatchObject({
        id: first.id,
        outcome: 'deduplicated',
        state: 'completed',
      })
      expect(await counts()).toMatchObject({ completed: 1, waiting: 0 })
    })

    it('gives exactly one created among 30 concurrent enqueues of one key', async () => {
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, n) => enqueue('throttled', 'hot', n)),
      )
      expect(answers.filter((a) => a.outcome === 'created')).toHaveLength(1)
      expect(new Set(answers.map((a) => a.id)).size).toBe(1)
      expect(await counts()).toMatchObject({ waiting: 1 })
    })
  })

  describe('debounce', () => {
    it('keeps only the last payload and runs it once, ttlMs after the last enqueue', async () => {
      await h.worker(startWorker, {})
      const answers = []
      for (let n = 1; n <= 5; n++) answers.push(await enqueue('debounced', 'k', n))
      expect(answers.map((a) => a.outcome)).toEqual([
        'created',
        'replaced',
        'replaced',
        'replaced',
        'replaced',
      ])
      for (let i = 1; i < answers.length; i++) {
        expect(answers[i]).toMatchObject({ replacedId: answers[i - 1]!.id, state: 'delayed' })
        await expect(producer.jobs.get(answers[i - 1]!.id)).rejects.toBeInstanceOf(JobNotFoundError)
      }
      const last = answers.at(-1)!
      expect(await waiter.finished('folds', last.id)).toEqual({
        state: 'completed',
        result: { key: 'k', n: 5 },
      })
      const job = await producer.jobs.get(last.id)
      const quiet = Date.parse(job.startedAt!) - Date.parse(last.enqueuedAt)
      expect(quiet).toBeGreaterThanOrEqual(300)
      expect(await counts()).toMatchObject({ completed: 1, delayed: 0, waiting: 0, failed: 0 })
    })

    it('debounces each key on its own', async () => {
      const a1 = await enqueue('debounced', 'a', 1)
      const b1 = await enqueue('debounced', 'b', 1)
      const a2 = await enqueue('debounced', 'a', 2)
      expect([a1.outcome, b1.outcome, a2.outcome]).toEqual(['created', 'created', 'replaced'])
      expect(await counts()).toMatchObject({ delayed: 2 })
    })

    it('gives exactly one created among 30 concurrent enqueues; one job stays', async () => {
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, n) => enqueue('debounced', 'hot', n)),
      )
      expect(answers.filter((a) => a.outcome === 'created')).toHaveLength(1)
      expect(answers.filter((a) => a.outcome === 'replaced')).toHaveLength(29)
      expect(await counts()).toMatchObject({ delayed: 1 })
      // The one left is the one whose id no later answer replaced.
      const replaced = new Set(answers.map((a) => a.replacedId))
      const kept = answers.filter((a) => !replaced.has(a.id))
      expect(kept).toHaveLength(1)
      expect((await producer.jobs.get(kept[0]!.id)).state).toBe('delayed')
    })

    it('never replaces a job a worker took: after the quiet time a new window starts', async () => {
      await h.worker(startWorker, {})
      const started = nextStart()
      const first = await enqueue('debounced', 'k', 1, { ms: 1_000 })
      expect(await started).toBe(first.id)
      const next = await enqueue('debounced', 'k', 2)
      expect(next).toMatchObject({ outcome: 'created', state: 'delayed' })
      expect((await producer.jobs.get(first.id)).state).toBe('active')
      expect(await waiter.finished('folds', first.id)).toEqual({
        state: 'completed',
        result: { key: 'k', n: 1 },
      })
      expect(await waiter.finished('folds', next.id)).toEqual({
        state: 'completed',
        result: { key: 'k', n: 2 },
      })
    })

    it('a cancel of the pending job releases its key', async () => {
      const first = await enqueue('debounced', 'k', 1)
      expect((await producer.control.cancel(first.id)).outcome).toBe('removed')
      expect((await enqueue('debounced', 'k', 2)).outcome).toBe('created')
    })
  })

  describe('bulk and refusals', () => {
    it('answers each item of a bulk, in order, in one transaction', async () => {
      const items = ['x', 'x', 'y', 'x'].map((key, n) => ({ data: { key, n } }))
      const bulk = await producer.jobs.enqueueBulk('test.deduped', items)
      expect(bulk.outcomes).toEqual(['created', 'deduplicated', 'created', 'deduplicated'])
      expect(bulk.created).toEqual([true, false, true, false])
      expect(bulk.ids[1]).toBe(bulk.ids[0])
      expect(bulk.ids[3]).toBe(bulk.ids[0])
      const debounced = await producer.jobs.enqueueBulk('test.debounced', items)
      expect(debounced.outcomes).toEqual(['created', 'replaced', 'created', 'replaced'])
      expect(await counts()).toMatchObject({ waiting: 2, delayed: 2 })
    })

    it('refuses an idempotency key, a debounce delay or a bad key, and enqueues nothing', async () => {
      const refused = async (call: Promise<unknown>) => {
        const err = await call.catch((e: unknown) => e)
        expect(err).toBeInstanceOf(JobValidationError)
        return (err as JobValidationError).issues
      }
      const issue = async (call: Promise<unknown>) => {
        const issues = await refused(call)
        expect(issues).toHaveLength(1)
        return `${issues[0]!.path}: ${issues[0]!.message}`
      }
      expect(await issue(enqueue('deduped', 'k', 1, {}, { jobId: 'order-1' }))).toMatch(
        /^options.jobId: .*declares dedupe.*send no jobId/,
      )
      expect(await issue(enqueue('debounced', 'k', 1, {}, { delay: 10 }))).toMatch(
        /^options.delay: .*debounced.*300 ms/,
      )
      expect(await issue(enqueue('throttled', '', 1))).toMatch(/^data: the dedupe key must be/)
      const bulk = producer.jobs.enqueueBulk('test.deduped', [
        { data: { key: 'ok', n: 1 } },
        { data: { key: 'k', n: 2 }, options: { jobId: 'x' } },
      ])
      expect((await refused(bulk)).map((i) => i.path)).toEqual(['items.1.options.jobId'])
      const all = Object.values(await counts()).reduce((a, b) => a + b, 0)
      expect(all).toBe(0)
    })
  })
})
