import { Redis as IORedis } from 'ioredis'
import { type Job, Queue } from 'bullmq'
import { beforeEach, describe, expect, it } from 'vitest'
import { AttemptHistoryWriter, INTERRUPTED_REASON, readHistory } from './attempt-history.js'
import { waitForReady, type Redis } from './connection.js'
import { createLogger } from './logger.js'
import { TolerantJob } from './tolerant-job.js'
import { testRedisUrl, useHarness } from './testing/index.js'

describe('attempt history', () => {
  const h = useHarness()
  let redis: Redis
  let queue: Queue
  let writer: AttemptHistoryWriter

  beforeEach(() => {
    redis = h.connect('worker')
    const made = new Queue('history', { connection: redis, prefix: h.prefix })
    queue = h.track('queue history', made, (q) => q.close())
    writer = new AttemptHistoryWriter(redis, 'worker-a', createLogger({ level: 'silent' }))
  })

  /** A stored job, as a worker holding lock `token` sees it at its next start. */
  async function jobWith(token: string, id = 'j1'): Promise<Job> {
    if (!(await redis.exists(queue.toKey(id)))) await queue.add('x', {}, { jobId: id })
    await redis.hincrby(queue.toKey(id), 'ats', 1) // what BullMQ's moveToActive does at a start
    const job = (await TolerantJob.fromId(queue, id))!
    job.token = token
    return job
  }
  const read = (id = 'j1') => readHistory(redis, queue.toKey(id))

  it('appends a running entry per start and closes it with its outcome', async () => {
    const job = await jobWith('t1')
    writer.started(job)
    await writer.flush()
    const [running, ...more] = await read()
    expect(more).toEqual([])
    expect(running).toEqual({
      attempt: 1,
      workerId: 'worker-a',
      startedAt: running?.startedAt,
      endedAt: null,
      outcome: 'running',
      reason: null,
    })
    expect(Date.parse(running!.startedAt)).toBeGreaterThan(Date.now() - 60_000)
    writer.ended(job, 'failed', 'boom')
    await writer.flush()
    const [entry] = await read()
    expect(entry).toMatchObject({ attempt: 1, outcome: 'failed', reason: 'boom' })
    expect(Date.parse(entry!.endedAt!)).toBeGreaterThanOrEqual(Date.parse(entry!.startedAt))
  })

  it('closes an entry still running at the next start as interrupted, and numbers on', async () => {
    const first = await jobWith('t1')
    writer.started(first)
    // Another worker starts it again (the first one died): its entry is number 2.
    const other = new AttemptHistoryWriter(redis, 'worker-b', createLogger({ level: 'silent' }))
    const again = await jobWith('t2')
    other.started(again)
    await Promise.all([writer.flush(), other.flush()])
    // The first worker's late end names its own start (token t1): it leaves entry 2 alone.
    writer.ended(first, 'failed', 'late')
    other.ended(again, 'failed', 'boom')
    await Promise.all([writer.flush(), other.flush()])
    expect(await read()).toMatchObject([
      { attempt: 1, workerId: 'worker-a', outcome: 'interrupted', reason: INTERRUPTED_REASON },
      { attempt: 2, workerId: 'worker-b', outcome: 'failed', reason: 'boom' },
    ])
  })

  it('writes nothing when an attempt completes (the view reads it from the job)', async () => {
    const job = await jobWith('t1')
    writer.started(job)
    writer.ended(job, 'completed')
    await writer.flush()
    expect((await read()).map((e) => e.outcome)).toEqual(['running'])
  })

  it('a refused start closes the running entry and appends none', async () => {
    const job = await jobWith('t1')
    writer.started(job)
    writer.refused(await jobWith('t2'))
    await writer.flush()
    expect((await read()).map((e) => e.outcome)).toEqual(['interrupted'])
  })

  it('hands back every attempt still open at shutdown', async () => {
    writer.started(await jobWith('t1', 'a'))
    writer.started(await jobWith('t2', 'b'))
    writer.handBackAll('grace over')
    await writer.flush()
    for (const id of ['a', 'b']) {
      expect(await read(id)).toMatchObject([{ outcome: 'handed-back', reason: 'grace over' }])
    }
  })

  it('never recreates a job that was removed when closing an attempt', async () => {
    // (A start writes without a guard: its job is active and locked, which BullMQ never removes.)
    const job = await jobWith('t1')
    writer.started(job)
    await writer.flush()
    await job.remove()
    writer.ended(job, 'failed', 'late')
    writer.refused(job)
    await writer.flush()
    expect(await redis.exists(queue.toKey('j1'))).toBe(0)
    expect(await read()).toEqual([])
  })

  it('reads on a fresh auto-pipelined connection in the same tick as other commands', async () => {
    // A caller's own connection may auto-pipeline (the producer's did until the sixth session): a
    // history read beside other reads of one request used to fail with
    // "pipeline[functionName] is not a function" (a command defined on first use).
    const fresh = new IORedis(testRedisUrl(), { enableAutoPipelining: true })
    await waitForReady(fresh, 5_000)
    try {
      const job = await jobWith('tok-1')
      writer.started(job)
      await writer.flush()
      const [, entries] = await Promise.all([
        fresh.hget(`${h.prefix}:history:j1`, 'name'),
        readHistory(fresh, `${h.prefix}:history:j1`),
      ])
      expect(entries.map((e) => e.outcome)).toEqual(['running'])
    } finally {
      fresh.disconnect()
    }
  })
})
