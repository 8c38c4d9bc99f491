import { describe, expect, it } from 'vitest'
import { type Job, Queue } from 'bullmq'
import { RETENTION } from '../job-options.js'
import { eventually } from '../redis-server/index.js'
import { useHarness } from '../testing/index.js'
import { createJobqWorker, type JobqWorker } from './jobq-worker.js'

// A Redis restarted from its AOF after an outage longer than the lock's time comes back without
// the lock (its expiry passed while it was down). Deleting the lock key is that, without the wait.
describe('a run whose lock lapsed while Redis was away', () => {
  const h = useHarness()
  const LOCK_MS = 1_000

  /** A worker on queue `q` whose handler waits for `release()`, and the job it took. */
  async function runningJob() {
    let release!: (result: unknown) => void
    const gate = new Promise((resolve) => (release = resolve))
    const worker = createJobqWorker('q', () => gate, {
      connection: h.connect(),
      prefix: h.prefix,
      name: 'w',
      definition: undefined,
      lockDurationMs: LOCK_MS,
      // No stalled check of its own in the test's time: only the worker's renewal and finish act.
      stalledIntervalMs: 600_000,
      retention: RETENTION,
    })
    h.track('worker', worker, (w) => w.close())
    // BullMQ emits a refused outcome twice (as it finishes, then as it fails): both are expected.
    worker.on('error', () => undefined)
    const lost: string[] = []
    worker.attemptHooks = {
      settleOverBudget: () => Promise.resolve(),
      outcomeLost: (job) => lost.push(job.id ?? ''),
    }
    const queue = h.track(
      'queue',
      new Queue('q', { connection: h.connect(), prefix: h.prefix }),
      (q) => q.close(),
    )
    const active = new Promise<Job>((resolve) => worker.once('active', resolve))
    void worker.run()
    const added = await queue.add('j', { n: 1 })
    const job = await active
    expect(job.id).toBe(added.id)
    const lockKey = `${h.prefix}:q:${job.id}:lock`
    return { worker, queue, job, lockKey, release, lost }
  }

  const outcome = (worker: JobqWorker) =>
    new Promise<string>((resolve) => {
      worker.once('completed', () => resolve('completed'))
      worker.once('failed', () => resolve('failed'))
      worker.once('error', (err) => resolve(`error: ${err.message}`))
    })

  it('keeps its outcome: the job completes once, with its result', async () => {
    const { worker, queue, job, lockKey, release, lost } = await runningJob()
    await h.redis.del(lockKey)
    const ended = outcome(worker)
    release({ done: true })
    expect(await ended).toBe('completed')
    const stored = await queue.getJob(job.id!)
    expect(await stored?.getState()).toBe('completed')
    expect(stored?.returnvalue).toEqual({ done: true })
    expect(stored?.attemptsStarted).toBe(1)
    expect(lost).toEqual([])
  })

  it('gets its lock back at the next renewal while the handler still runs', async () => {
    const { worker, lockKey, job, release } = await runningJob()
    await h.redis.del(lockKey)
    // BullMQ renews every LOCK_MS / 2: the lock comes back holding this run's token.
    expect(await eventually(() => h.redis.get(lockKey), Boolean, LOCK_MS * 4)).toBe(job.token)
    const ended = outcome(worker)
    release(1)
    expect(await ended).toBe('completed')
  })

  it('leaves a job another worker took over: its outcome is refused', async () => {
    const { worker, queue, job, lockKey, release } = await runningJob()
    await h.redis.set(lockKey, 'another-worker:1')
    const ended = outcome(worker)
    release(1)
    expect(await ended).toMatch(/^error: Lock mismatch for job/)
    expect(await (await queue.getJob(job.id!))?.getState()).toBe('active')
    expect(await h.redis.get(lockKey)).toBe('another-worker:1')
  })

  it('leaves a job the stalled check already moved back to waiting', async () => {
    const { worker, queue, job, lockKey, release, lost } = await runningJob()
    // What BullMQ's stalled check does to a lock-less active job.
    await h.redis
      .multi()
      .del(lockKey)
      .lrem(`${h.prefix}:q:active`, 0, job.id!)
      .rpush(`${h.prefix}:q:wait`, job.id!)
      .exec()
    const ended = outcome(worker)
    release(1)
    expect(await ended).toMatch(/^error: Missing lock for job/)
    // The worker may take the waiting job up again at once: as a new run, with a new token.
    expect(await (await queue.getJob(job.id!))?.getState()).not.toBe('completed')
    expect(await h.redis.get(lockKey)).not.toBe(job.token)
    // The run's history entry is closed as an outcome Redis lost (attempt-budget.ts).
    expect(new Set(lost)).toEqual(new Set([job.id]))
  })
})
