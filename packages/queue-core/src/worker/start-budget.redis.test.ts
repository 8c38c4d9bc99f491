import { Queue } from 'bullmq'
import { beforeEach, describe, expect, it } from 'vitest'
import { fixtureRegistry } from '../../test/fixtures/registry.js'
import { AttemptHistoryWriter, OUTCOME_LOST_REASON } from '../attempt-history.js'
import { createLogger } from '../logger.js'
import { createOperations, type Operations } from '../operations/index.js'
import { useHarness } from '../testing/index.js'
import { TolerantJob } from '../tolerant-job.js'
import { startWorker } from './boot.js'

// `test.add` has one attempt (BullMQ's default). Each test leaves one earlier start behind, as a
// crash or an outage would, and then lets a worker start the job again.
describe('a start over budget', () => {
  const h = useHarness({ registry: fixtureRegistry })
  let producer: Operations

  beforeEach(() => {
    producer = h.producer(createOperations)
  })

  /** Enqueues `test.add` and counts one start of it, as BullMQ's `moveToActive` does. */
  async function startedOnce(begun: 'not begun' | 'begun' | 'outcome lost') {
    const { id } = await producer.jobs.enqueue('test.add', { a: 2, b: 3 })
    const key = `${h.prefix}:fixtures:${id}`
    await h.redis.hincrby(key, 'ats', 1)
    if (begun !== 'not begun') {
      const writer = new AttemptHistoryWriter(h.redis, 'gone', createLogger({ level: 'silent' }))
      const queue = new Queue('fixtures', { connection: h.redis, prefix: h.prefix })
      const job = (await TolerantJob.fromId(
        h.track('queue', queue, (q) => q.close()),
        id,
      ))!
      job.token = 'gone:1'
      writer.started(job)
      if (begun === 'outcome lost') writer.ended(job, 'interrupted', OUTCOME_LOST_REASON)
      await writer.flush()
    }
    await h.worker(startWorker, {})
    return id
  }

  it('runs when the earlier start was begun by no worker (killed before it began)', async () => {
    const id = await startedOnce('not begun')
    expect(await h.waiter.finished('fixtures', id)).toEqual({
      state: 'completed',
      result: { sum: 5 },
    })
    const job = await producer.jobs.get(id)
    expect(job.history?.map((e) => e.outcome)).toEqual(['completed'])
  })

  it('runs when Redis refused the earlier start’s outcome', async () => {
    const id = await startedOnce('outcome lost')
    expect(await h.waiter.finished('fixtures', id)).toMatchObject({ state: 'completed' })
    const job = await producer.jobs.get(id)
    expect(job.history?.map((e) => [e.outcome, e.reason])).toEqual([
      ['interrupted', OUTCOME_LOST_REASON],
      ['completed', null],
    ])
  })

  it('is refused when the earlier start was begun and cut off (a crash counts)', async () => {
    const id = await startedOnce('begun')
    const finished = await h.waiter.finished('fixtures', id)
    expect(finished).toMatchObject({ state: 'failed' })
    expect((await producer.jobs.get(id)).failedReason).toBe(
      'all 1 attempt(s) used: started 1 time(s), interrupted 1 time(s) (crash, lost lock or shutdown)',
    )
  })
})
