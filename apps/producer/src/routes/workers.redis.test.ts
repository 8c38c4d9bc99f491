import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testRedisUrl } from '@jobq/queue-core/testing'
import { registry } from '@jobq/jobs'
import { createLogger, createRedis, startWorker, type RunningWorker } from '@jobq/queue-core'
import { createHarness, type Harness } from '../../test/harness.js'

describe('GET /v1/workers and GET /v1/schedules', () => {
  let h: Harness
  beforeEach(async () => {
    h = await createHarness()
  })
  afterEach(async (context) => {
    await h.close(context.task.result?.state === 'fail')
  })

  it('lists the live worker records, and none once the worker stopped', async () => {
    const connection = createRedis({ url: testRedisUrl(), role: 'worker' })
    let worker: RunningWorker | undefined
    try {
      worker = await startWorker({
        registry,
        connection,
        prefix: h.prefix,
        queues: ['default'],
        logger: createLogger({ level: 'silent' }),
      })
      const res = await h.app.request('/v1/workers')
      expect(res.status).toBe(200)
      const body = (await res.json()) as { workers: Record<string, unknown>[] }
      expect(body.workers).toHaveLength(1)
      expect(body.workers[0]).toMatchObject({
        id: worker.id,
        pid: process.pid,
        queues: ['default'],
        state: 'idle',
        currentJobs: [],
        succeeded: 0,
        failed: 0,
      })
      expect(body.workers[0]?.jobs).toEqual(expect.arrayContaining(['demo.echo', 'demo.rows']))
      await worker.close(1_000)
      worker = undefined
      expect(await (await h.app.request('/v1/workers')).json()).toEqual({ workers: [] })
    } finally {
      await worker?.close(1_000)
      connection.disconnect()
    }
  })

  it('lists the job schedulers with their next run', async () => {
    expect(await (await h.app.request('/v1/schedules')).json()).toEqual({ schedules: [] })
    await h.waiter
      .queue('default')
      .upsertJobScheduler(
        'jobq.demo.echo',
        { pattern: '0 3 * * *', tz: 'UTC' },
        { name: 'demo.echo', data: { hi: 1 } },
      )
    const res = await h.app.request('/v1/schedules')
    expect(res.status).toBe(200)
    const { schedules } = (await res.json()) as { schedules: { next: string }[] }
    expect(schedules).toHaveLength(1)
    expect(schedules[0]?.next).toMatch(/T03:00:00\.000Z$/)
    expect(schedules).toMatchObject([
      {
        id: 'jobq.demo.echo',
        job: 'demo.echo',
        queue: 'default',
        pattern: '0 3 * * *',
        tz: 'UTC',
        data: { hi: 1 },
      },
    ])
  })
})
