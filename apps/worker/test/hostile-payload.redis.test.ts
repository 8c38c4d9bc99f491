import './provided-context.js'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { registry } from '@jobq/jobs'
import {
  createProducer,
  createRedis,
  waitForReady,
  type Producer,
  type Redis,
} from '@jobq/queue-core'
import {
  deletePrefix,
  JobWaiter,
  spawnNode,
  testRedisUrl,
  uniquePrefix,
  type NodeProcess,
} from '@jobq/queue-core/testing'

const workerMain = fileURLToPath(new URL('../dist/main.js', import.meta.url))

// Payloads that never went through the producer's validation, written straight into Redis: the
// worker process must fail each job for good (no retries: a retry cannot fix a payload) and carry
// on with the next job, never crash or hang.
describe('worker process vs payloads written straight into Redis', () => {
  let prefix: string
  let redis: Redis
  let producer: Producer
  let waiter: JobWaiter
  let worker: NodeProcess

  beforeEach(async () => {
    prefix = uniquePrefix()
    redis = createRedis({ url: testRedisUrl(), role: 'producer' })
    await waitForReady(redis, 5_000)
    producer = createProducer({ registry, connection: redis, prefix })
    waiter = new JobWaiter(testRedisUrl(), prefix)
    worker = spawnNode(workerMain, ['default'], {
      env: { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: prefix, JOBQ_HEARTBEAT_MS: '200' },
    })
    await worker.waitFor(/worker taking jobs/)
  })
  afterEach(async (context) => {
    worker.kill()
    await producer.close()
    await waiter.close()
    if (context.task.result?.state !== 'fail') await deletePrefix(redis, prefix)
    redis.disconnect()
  })

  it('fails each bypassing payload permanently, and keeps running jobs', async () => {
    const raw = waiter.queue('default') // a plain BullMQ queue: no jobq validation on the way in
    const cases: [string, string, unknown, RegExp][] = [
      ['wrong-types', 'demo.sleep', { ms: 'soon', message: 42 }, /invalid input: data\.ms/],
      ['missing', 'demo.sleep', {}, /invalid input: data\.ms/],
      ['not-a-job', 'demo.nope', { a: 1 }, /no handler for job "demo\.nope"/],
      ['too-big-a-number', 'demo.sleep', { ms: 1e12 }, /invalid input: data\.ms/],
    ]
    for (const [jobId, name, data, reason] of cases) {
      await raw.add(name, data, { jobId, attempts: 5, backoff: { type: 'fixed', delay: 10 } })
      const outcome = await waiter.finished('default', jobId)
      expect(outcome.state, jobId).toBe('failed')
      expect(outcome.state === 'failed' && outcome.reason, jobId).toMatch(reason)
      expect((await producer.getJob(jobId)).attemptsMade, `${jobId}: not retried`).toBe(1)
    }

    // Data no client library would write: the job hash's data field overwritten by hand while
    // the queue is paused. Not JSON at all, and JSON nested 100,000 deep (validating it recurses).
    const depth = 100_000
    const rawData: [string, string, string][] = [
      ['garbage', 'demo.echo', '{"not json'],
      ['deep', 'demo.echo', '['.repeat(depth) + ']'.repeat(depth)],
      ['deep-row', 'demo.row', `{"index":0,"row":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`],
    ]
    await producer.pause('default')
    for (const [jobId, name, data] of rawData) {
      await raw.add(name, {}, { jobId, attempts: 5, backoff: { type: 'fixed', delay: 10 } })
      await redis.hset(`${prefix}:default:${jobId}`, 'data', data)
    }
    await producer.resume('default')
    for (const [jobId] of rawData) {
      // Job.fromId cannot read such a job back (its data does not parse): read the hash itself.
      const key = `${prefix}:default:${jobId}`
      await expect
        .poll(() => raw.getJobState(jobId), { timeout: 15_000, interval: 50 })
        .toBe('failed')
      const [failedReason, attemptsMade] = await redis.hmget(key, 'failedReason', 'atm')
      expect(failedReason, jobId).toMatch(/invalid|JSON|nest/i)
      expect(attemptsMade, `${jobId}: not retried`).toBe('1')
      // GET /v1/jobs/:id still shows it (data unreadable: null), rather than failing with a 500.
      expect(await producer.getJob(jobId)).toMatchObject({ id: jobId, state: 'failed' })
    }

    // Still alive and taking jobs.
    const ok = await producer.enqueue('demo.echo', { after: 'all that' })
    expect(await waiter.finished('default', ok.id)).toEqual({
      state: 'completed',
      result: { echo: { after: 'all that' } },
    })
    expect(worker.child.exitCode).toBeNull()
    expect(worker.output()).not.toMatch(/worker error|uncaught|fatal/i)
  })
})
