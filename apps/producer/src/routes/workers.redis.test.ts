import { describe, expect, it } from 'vitest'
import { useAppHarness } from '../../test/harness.js'

describe('GET /v1/workers and GET /v1/schedules', () => {
  const h = useAppHarness()

  it('lists the live worker records, and none once the worker stopped', async () => {
    const worker = await h.startWorker(['default'])
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
    expect(await (await h.app.request('/v1/workers')).json()).toEqual({ workers: [] })
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
        // Made by hand, not by the definition (demo.echo declares no schedule): no policies;
        // no run has started yet.
        missed: null,
        overlap: null,
        lastRun: null,
        skipped: { count: 0, last: null },
      },
    ])
  })
})
