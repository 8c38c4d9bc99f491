import { beforeEach, describe, expect, it } from 'vitest'
import { scheduleRegistry, unscheduledRegistry } from '../test/fixtures/registry.js'
import { createOperations, type Operations } from './operations/index.js'
import { startWorker } from './worker/boot.js'
import type { WorkerOptions } from './worker/options.js'
import { eventually, useHarness } from './testing/index.js'

describe('schedules', () => {
  const h = useHarness({ registry: scheduleRegistry })
  let producer: Operations
  beforeEach(() => {
    producer = h.producer(createOperations)
  })
  const start = (options: Partial<WorkerOptions> = {}) => h.worker(startWorker, options)

  it('fires on its pattern, once per tick even with two workers upserting it', async () => {
    await Promise.all([start(), start()])
    const queue = h.waiter.queue('ticks')
    expect(await queue.getJobSchedulersCount()).toBe(1)
    const [schedule] = await producer.fleet.schedules()
    expect(schedule).toMatchObject({
      id: 'jobq.test.tick',
      job: 'test.tick',
      queue: 'ticks',
      pattern: '* * * * * *',
      data: { label: 'every second' },
    })
    expect(Date.parse(schedule!.next!)).toBeGreaterThan(Date.now() - 5_000)

    // Wait for three runs, awaiting each by its event; between a run and the scheduler's next
    // one there is nothing to await, so the next read comes after a pause.
    const done: string[] = []
    await eventually(
      async () => {
        const completed = await queue.getJobs(['completed'], 0, -1)
        for (const job of completed) if (!done.includes(job.id!)) done.push(job.id!)
        if (done.length < 3) {
          const delayed = await queue.getJobs(['delayed', 'wait', 'active'], 0, -1)
          const next = delayed.find((job) => !done.includes(job.id!))
          if (next) await h.waiter.finished('ticks', next.id!, 10_000)
        }
        return done.length
      },
      (n) => n >= 3,
      { what: 'three scheduled runs to complete', timeoutMs: 25_000 },
    )
    const jobs = await queue.getJobs(['completed'], 0, -1)
    // One job per tick: ids are the scheduler id plus the tick time, so duplicates would share a
    // time. Distinct times one second apart or more prove no worker added a second run.
    const times = jobs.map((job) => job.timestamp).sort()
    expect(new Set(jobs.map((job) => job.id)).size).toBe(jobs.length)
    const ticks = jobs.map((job) => Number(job.id!.split(':').at(-1))).sort()
    expect(new Set(ticks).size).toBe(ticks.length)
    for (let i = 1; i < ticks.length; i++)
      expect(ticks[i]! - ticks[i - 1]!).toBeGreaterThanOrEqual(1_000)
    expect(times.length).toBeGreaterThanOrEqual(3)
    for (const job of jobs) expect(job.returnvalue).toEqual({ label: 'every second' })
  })

  it('removes the schedule when a worker boots with a definition that dropped it', async () => {
    await start()
    expect(await producer.fleet.schedules()).toHaveLength(1)
    const worker = await h.worker(startWorker, { registry: unscheduledRegistry })
    await worker.close(1_000)
    const dropped = createOperations({
      registry: unscheduledRegistry,
      connection: h.redis,
      prefix: h.prefix,
    })
    expect(await dropped.fleet.schedules()).toEqual([])
    await dropped.close()
  })
})
