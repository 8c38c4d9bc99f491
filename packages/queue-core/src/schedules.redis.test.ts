import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest'
import { scheduleRegistry, unscheduledRegistry } from '../test/fixtures/registry.js'
import { createHarness, type Harness } from '../test/harness.js'
import { createRedis } from './connection.js'
import { createLogger } from './logger.js'
import { createOperations } from './operations/index.js'
import { startWorker } from './worker/boot.js'

describe('schedules', () => {
  let h: Harness
  beforeEach(async () => {
    h = await createHarness(scheduleRegistry)
  })
  afterEach(async (context) => h.close(context.task.result?.state === 'fail'))

  it('fires on its pattern, once per tick even with two workers upserting it', async () => {
    await Promise.all([h.start(), h.start()])
    const queue = h.waiter.queue('ticks')
    expect(await queue.getJobSchedulersCount()).toBe(1)
    const [schedule] = await h.producer.fleet.schedules()
    expect(schedule).toMatchObject({
      id: 'jobq.test.tick',
      job: 'test.tick',
      queue: 'ticks',
      pattern: '* * * * * *',
      data: { label: 'every second' },
    })
    expect(Date.parse(schedule!.next!)).toBeGreaterThan(Date.now() - 5_000)

    // Wait for three runs, awaiting each by its event rather than sleeping.
    const done: string[] = []
    while (done.length < 3) {
      const completed = await queue.getJobs(['completed'], 0, -1)
      for (const job of completed) if (!done.includes(job.id!)) done.push(job.id!)
      if (done.length < 3) {
        const delayed = await queue.getJobs(['delayed', 'wait', 'active'], 0, -1)
        const next = delayed.find((job) => !done.includes(job.id!))
        if (next) await h.waiter.finished('ticks', next.id!, 10_000)
        else await sleep(50) // between a run and the scheduler's next one: poll again
      }
    }
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
    await h.start()
    expect(await h.producer.fleet.schedules()).toHaveLength(1)
    const connection = createRedis({ url: inject('redisUrl'), role: 'worker' })
    const worker = await startWorker({
      registry: unscheduledRegistry,
      connection,
      prefix: h.prefix,
      logger: createLogger({ level: 'silent' }),
    })
    await worker.close(1_000)
    connection.disconnect()
    const producer = createOperations({
      registry: unscheduledRegistry,
      connection: h.redis,
      prefix: h.prefix,
    })
    expect(await producer.fleet.schedules()).toEqual([])
    await producer.close()
  })
})
