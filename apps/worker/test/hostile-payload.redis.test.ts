import './provided-context.js'
import { fileURLToPath } from 'node:url'
import { beforeEach, describe, expect, it } from 'vitest'
import { registry } from '@jobq/jobs'
import { createOperations, type Operations } from '@jobq/queue-core'
import { testRedisUrl, useHarness, type NodeProcess } from '@jobq/queue-core/testing'

const workerMain = fileURLToPath(new URL('../dist/main.js', import.meta.url))

// Payloads that never went through the producer's validation, written straight into Redis: the
// worker process must fail each job for good (no retries: a retry cannot fix a payload) and carry
// on with the next job, never crash or hang.
describe('worker process vs payloads written straight into Redis', () => {
  const stack = useHarness({ label: 'hostile', registry })
  let producer: Operations
  let worker: NodeProcess

  beforeEach(async () => {
    producer = stack.producer(createOperations)
    worker = stack.spawn(workerMain, ['default'], {
      env: { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: stack.prefix, JOBQ_HEARTBEAT_MS: '200' },
    })
    await worker.waitFor(/worker taking jobs/)
  })

  it('fails each bypassing payload permanently, and keeps running jobs', async () => {
    const raw = stack.waiter.queue('default') // a plain BullMQ queue: no jobq validation on the way in
    const cases: [string, string, unknown, RegExp][] = [
      ['wrong-types', 'demo.sleep', { ms: 'soon', message: 42 }, /invalid input: data\.ms/],
      ['missing', 'demo.sleep', {}, /invalid input: data\.ms/],
      ['not-a-job', 'demo.nope', { a: 1 }, /no handler for job "demo\.nope"/],
      ['too-big-a-number', 'demo.sleep', { ms: 1e12 }, /invalid input: data\.ms/],
    ]
    for (const [jobId, name, data, reason] of cases) {
      await raw.add(name, data, { jobId, attempts: 5, backoff: { type: 'fixed', delay: 10 } })
      const outcome = await stack.waiter.finished('default', jobId)
      expect(outcome.state, jobId).toBe('failed')
      expect(outcome.state === 'failed' && outcome.reason, jobId).toMatch(reason)
      expect((await producer.jobs.get(jobId)).attemptsMade, `${jobId}: not retried`).toBe(1)
    }

    // Data no client library would write: the job hash's data field overwritten by hand while
    // the queue is paused. Not JSON at all, and JSON nested 100,000 deep (validating it recurses).
    const depth = 100_000
    const rawData: [string, string, string][] = [
      ['garbage', 'demo.echo', '{"not json'],
      ['deep', 'demo.echo', '['.repeat(depth) + ']'.repeat(depth)],
      ['deep-row', 'demo.row', `{"index":0,"row":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`],
    ]
    await producer.queues.pause('default')
    for (const [jobId, name, data] of rawData) {
      await raw.add(name, {}, { jobId, attempts: 5, backoff: { type: 'fixed', delay: 10 } })
      await stack.redis.hset(`${stack.prefix}:default:${jobId}`, 'data', data)
    }
    await producer.queues.resume('default')
    for (const [jobId] of rawData) {
      // Job.fromId cannot read such a job back (its data does not parse): read the hash itself.
      const key = `${stack.prefix}:default:${jobId}`
      await expect
        .poll(() => raw.getJobState(jobId), { timeout: 15_000, interval: 50 })
        .toBe('failed')
      const [failedReason, attemptsMade] = await stack.redis.hmget(key, 'failedReason', 'atm')
      expect(failedReason, jobId).toMatch(/invalid|JSON|nest/i)
      expect(attemptsMade, `${jobId}: not retried`).toBe('1')
      // GET /v1/jobs/:id still shows it (data unreadable: null), rather than failing with a 500.
      expect(await producer.jobs.get(jobId)).toMatchObject({ id: jobId, state: 'failed' })
    }

    // Still alive and taking jobs.
    const ok = await producer.jobs.enqueue('demo.echo', { after: 'all that' })
    expect(await stack.waiter.finished('default', ok.id)).toEqual({
      state: 'completed',
      result: { echo: { after: 'all that' } },
    })
    expect(worker.child.exitCode).toBeNull()
    expect(worker.output()).not.toMatch(/worker error|uncaught|fatal/i)
  })
})
