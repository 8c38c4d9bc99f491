import { beforeEach, describe, expect, it } from 'vitest'
import { limitedRegistry } from '../test/fixtures/registry.js'
import { createOperations, type Operations } from './operations/index.js'
import { startWorker } from './worker/boot.js'
import type { WorkerOptions } from './worker/options.js'
import { useHarness } from './testing/index.js'

describe('rate limit per queue', () => {
  const h = useHarness({ registry: limitedRegistry })
  let producer: Operations
  beforeEach(() => {
    producer = h.producer(createOperations)
  })
  const start = (options: Partial<WorkerOptions> = {}) => h.worker(startWorker, options)

  it('starts at most max jobs per duration, across two workers, despite concurrency 10', async () => {
    const ids = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        return (await producer.jobs.enqueue('test.limited', { a: i, b: 0 })).id
      }),
    )
    await Promise.all([start(), start()])
    await Promise.all(ids.map((id) => h.waiter.finished('limited', id)))
    const jobs = await Promise.all(ids.map((id) => h.waiter.queue('limited').getJob(id)))
    const starts = jobs.map((job) => job!.processedOn!).sort((a, b) => a - b)
    // limiter { max: 2, duration: 500 }: any 3 consecutive starts span at least one window.
    // 50 ms of slack for clocks and Redis key expiry.
    for (let i = 0; i + 2 < starts.length; i++) {
      expect(starts[i + 2]! - starts[i]!, `starts ${i} and ${i + 2}`).toBeGreaterThanOrEqual(450)
    }
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(3 * 450)
  })
})
