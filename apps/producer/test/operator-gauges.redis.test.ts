import { afterEach, describe, expect, it } from 'vitest'
import { startRedisServer, type RedisServer } from '@jobq/queue-core/testing'
import { createAppHarness, useAppHarness, type Harness } from './harness.js'

/** The value of one sample in an exposition text; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

/** Scrapes until `series` satisfies `accept` (a scrape's Redis reads are cached for 1 s). */
async function until(h: Harness, series: string, accept: (value: number | undefined) => boolean) {
  let value: number | undefined
  await expect
    .poll(
      async () => {
        value = sample(await (await h.app.request('/metrics')).text(), series)
        return accept(value)
      },
      { timeout: 5_000, interval: 100 },
    )
    .toBe(true)
  return value
}

const age = (queue: string) => `jobq_queue_oldest_waiting_age_seconds{queue="${queue}"}`
const workers = (queue: string) => `jobq_queue_workers{queue="${queue}"}`

describe('operator gauges on /metrics', () => {
  const h = useAppHarness()

  it('ages the oldest waiting job: plain, prioritized, and delayed once due, from that time', async () => {
    const queue = h.waiter.queue('default')
    const startedAt = Date.now()
    const since = (ms: number) => (Date.now() - startedAt + ms) / 1e3 // upper bound of an age
    expect(await until(h, age('default'), (v) => v !== undefined)).toBe(0)

    await queue.add('demo.echo', 1, { timestamp: startedAt - 90_000 })
    const plain = await until(h, age('default'), (v) => v! > 0)
    expect(plain).toBeGreaterThanOrEqual(90)
    expect(plain).toBeLessThanOrEqual(since(90_000))

    // The next prioritized job is older: it counts.
    await queue.add('demo.echo', 2, { timestamp: startedAt - 120_000, priority: 3 })
    const prioritized = await until(h, age('default'), (v) => v! >= 120)
    expect(prioritized).toBeLessThanOrEqual(since(120_000))

    // A delayed job not yet due does not count, however old its enqueue.
    await queue.add('demo.echo', 3, { timestamp: startedAt - 600_000, delay: 660_000 })
    // One due 200 s ago counts from then, not from its enqueue 300 s ago.
    await queue.add('demo.echo', 4, { timestamp: startedAt - 300_000, delay: 100_000 })
    const due = await until(h, age('default'), (v) => v! >= 200)
    expect(due).toBeLessThanOrEqual(since(200_000))
    expect(sample(await (await h.app.request('/metrics')).text(), age('big_file'))).toBe(0)
  })

  it('ages a delayed job promoted into the wait list from its due time (BullMQ zeroes its delay)', async () => {
    const queue = h.waiter.queue('big_file')
    const startedAt = Date.now()
    const job = await queue.add('demo.echo', 1, { timestamp: startedAt - 300_000, delay: 100_000 })
    await job.promote()
    expect(await queue.getJobState(job.id!)).toBe('waiting')
    const promoted = await until(h, age('big_file'), (v) => v! > 0)
    expect(promoted).toBeGreaterThanOrEqual(200)
    expect(promoted).toBeLessThanOrEqual((Date.now() - startedAt + 200_000) / 1e3)
  })

  it('counts live workers per queue: a started worker, none once it stops or its heartbeat lapses', async () => {
    expect(await until(h, workers('default'), (v) => v !== undefined)).toBe(0)
    const worker = await h.startWorker(['default'])
    expect(await until(h, workers('default'), (v) => v === 1)).toBe(1)
    expect(sample(await (await h.app.request('/metrics')).text(), workers('big_file'))).toBe(0)
    await worker.close(1_000)
    expect(await until(h, workers('default'), (v) => v === 0)).toBe(0)

    // A record whose process died (no clean stop) lives until its TTL, 3 heartbeats, then is gone.
    const key = `${h.prefix}:worker:killed-1`
    await h.redis
      .multi()
      .hset(key, { id: 'killed-1', queues: '["big_file"]', state: 'idle', birth: '', pid: '1' })
      .pexpire(key, 1_500)
      .sadd(`${h.prefix}:workers`, 'killed-1')
      .exec()
    expect(await until(h, workers('big_file'), (v) => v === 1)).toBe(1)
    expect(await until(h, workers('big_file'), (v) => v === 0)).toBe(0)
  })
})

describe('Redis memory gauges', () => {
  let server: RedisServer | undefined
  let h: Harness | undefined
  afterEach(async () => {
    await h?.close({ keepKeys: true })
    await server?.stop()
  })

  it('shows used_memory and maxmemory, 0 while no limit is set', async () => {
    server = await startRedisServer() // its own: CONFIG SET would touch other tests' server
    h = await createAppHarness({ redisUrl: server.url })
    expect(await until(h, 'jobq_redis_memory_max_bytes', (v) => v !== undefined)).toBe(0)
    const used = sample(
      await (await h.app.request('/metrics')).text(),
      'jobq_redis_memory_used_bytes',
    )
    const info = await h.redis.info('memory')
    const reported = Number(/^used_memory:(\d+)/m.exec(info)![1])
    // used_memory moves a little between two reads; a wrong field would be off by far more.
    expect(used).toBeGreaterThan(reported / 2)
    expect(used).toBeLessThan(reported * 2)

    await h.redis.config('SET', 'maxmemory', String(256 * 1024 * 1024))
    expect(await until(h, 'jobq_redis_memory_max_bytes', (v) => v! > 0)).toBe(256 * 1024 * 1024)
  })
})
