import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeEach, describe, expect, it } from 'vitest'
import { createOperations, type AnyRegistry, type Operations } from '@jobq/queue-core'
import { testRedisUrl, useHarness, type NodeProcess } from '@jobq/queue-core/testing'
import { eventually, report, spawnWorker } from './support.js'

// Flow control per key (issue 15, point 2): each guarantee is checked on the built worker, three
// processes where the guarantee is about many workers, sampled from Redis (BullMQ's active list
// and job hashes), never from logs.
const groupsRegistry = fileURLToPath(new URL('../fixtures/groups-registry.mjs', import.meta.url))
const { registry } = (await import(groupsRegistry)) as { registry: AnyRegistry }
const TASK = 'demo.tenant-task'

describe('flow control per key (3 worker processes)', () => {
  const stack = useHarness({ label: 'groups', registry })
  let producer: Operations
  beforeEach(() => {
    producer = stack.producer(createOperations)
  })

  const envOf = (extra: Record<string, string> = {}) => ({
    REDIS_URL: testRedisUrl(),
    JOBQ_PREFIX: stack.prefix,
    JOBQ_REGISTRY: groupsRegistry,
    record: join(stack.scratchDir(), 'record.log'),
    ...extra,
  })

  async function workers(n: number, concurrency: number, extra?: Record<string, string>) {
    const started: NodeProcess[] = []
    for (let i = 0; i < n; i++) {
      const child = spawnWorker(['default', '--concurrency', String(concurrency)], envOf(extra))
      stack.processes.push(child)
      started.push(child)
    }
    await Promise.all(started.map((child) => child.waitFor(/worker taking jobs/)))
    return started
  }

  const enqueue = async (job: string, tenants: string[], ms: number) =>
    (
      await producer.jobs.enqueueBulk(
        job,
        tenants.map((tenant) => ({ data: { tenant, ms } })),
      )
    ).ids

  const jobHash = (id: string) => stack.redis.hgetall(`${stack.prefix}:default:${id}`)

  /** Samples BullMQ's active list every few ms: the most jobs of each tenant active at once. */
  function sampleActive() {
    const most = new Map<string, number>()
    let stopped = false
    let samples = 0
    const loop = (async () => {
      while (!stopped) {
        const ids = await stack.redis.lrange(`${stack.prefix}:default:active`, 0, -1)
        const pipeline = stack.redis.pipeline()
        for (const id of ids) pipeline.hget(`${stack.prefix}:default:${id}`, 'data')
        const now = new Map<string, number>()
        for (const [, data] of (await pipeline.exec()) ?? []) {
          if (typeof data !== 'string') continue
          const { tenant } = JSON.parse(data) as { tenant: string }
          now.set(tenant, (now.get(tenant) ?? 0) + 1)
        }
        for (const [tenant, n] of now) most.set(tenant, Math.max(most.get(tenant) ?? 0, n))
        samples++
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
    })()
    return async () => {
      stopped = true
      await loop
      return { most, samples }
    }
  }

  const gateEmpty = () =>
    eventually(
      () =>
        Promise.all([
          stack.redis.hlen(`${stack.prefix}:groups.default:held`),
          stack.redis.zcard(`${stack.prefix}:groups.default:load`),
        ]),
      ([held, load]) => held === 0 && load === 0,
    )

  it('never runs more than 2 jobs of one tenant at once; held jobs are charged no start', async () => {
    await workers(3, 5)
    const stop = sampleActive()
    const tenants = Array.from({ length: 60 }, (_, i) => ['a', 'b', 'c'][i % 3]!)
    const ids = await enqueue(TASK, tenants, 50)
    for (const id of ids) await stack.waiter.finished('default', id, 30_000)
    const { most, samples } = await stop()
    expect(Object.fromEntries(most)).toEqual({ a: 2, b: 2, c: 2 })
    // Held back is not failed or retried: one start each, no failure.
    const views = await Promise.all(ids.map((id) => producer.jobs.get(id)))
    expect(views.filter((v) => v.state !== 'completed' || v.attemptsStarted !== 1)).toEqual([])
    await gateEmpty()
    report('groups-concurrency', {
      jobs: ids.length,
      workers: 3,
      samples,
      most: Object.fromEntries(most),
    })
  })

  it('never starts more than 3 jobs of one tenant per second, across 3 workers', async () => {
    await workers(3, 5)
    const ids = await enqueue('demo.rated', Array<string>(10).fill('r'), 5)
    for (const id of ids) await stack.waiter.finished('default', id, 30_000)
    const starts = (await Promise.all(ids.map(jobHash))).map((job) => Number(job.processedOn))
    starts.sort((x, y) => x - y)
    const busiest = Math.max(
      ...starts.map((at) => starts.filter((s) => s >= at && s < at + 1_000).length),
    )
    expect(busiest).toBe(3)
    // Ten starts at three per second take at least three full windows.
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(3_000)
    await gateEmpty()
    report('groups-rate', {
      jobs: ids.length,
      busiestWindow: busiest,
      spanMs: starts.at(-1)! - starts[0]!,
    })
  })

  it('serves keys in turn: B and C start before the sixth job of A finishes', async () => {
    await workers(1, 2)
    const a = await enqueue(TASK, Array<string>(40).fill('A'), 60)
    const bc = await enqueue(TASK, ['B', 'B', 'C', 'C'], 60)
    for (const id of [...a, ...bc]) await stack.waiter.finished('default', id, 60_000)
    const sixthOfA = Number((await jobHash(a[5]!)).finishedOn)
    const bcStarts = (await Promise.all(bc.map(jobHash))).map((job) => Number(job.processedOn))
    expect(bcStarts.every((at) => at < sixthOfA)).toBe(true)
    report('groups-fairness', { lastBCStartBeforeSixthAFinishMs: sixthOfA - Math.max(...bcStarts) })
  })

  it('frees the slots of a worker killed mid-job within the stalled-job window', async () => {
    const fast = { JOBQ_LOCK_MS: '1000', JOBQ_STALLED_INTERVAL_MS: '250' }
    const [victim] = await workers(1, 2, fast)
    const long = await enqueue(TASK, ['k', 'k'], 60_000)
    await eventually(
      () => Promise.all(long.map((id) => producer.jobs.get(id))),
      (views) => views.every((v) => v.state === 'active'),
    )
    const short = await enqueue(TASK, ['k', 'k'], 10)
    expect((await producer.groups.view(registry.job(TASK)!, 'k')).waiting).toBe(2)
    await workers(2, 2, fast)
    victim!.child.kill('SIGKILL')
    const killedAt = performance.now()
    expect(await victim!.exited).toBe('SIGKILL')
    // The killed jobs had one attempt: the stalled check hands them back, their second start is
    // refused, and they fail for good, which frees both slots for the held-back jobs.
    for (const id of short) {
      expect(await stack.waiter.finished('default', id, 30_000)).toMatchObject({
        state: 'completed',
      })
    }
    const freedMs = Math.round(performance.now() - killedAt)
    for (const id of long) expect((await producer.jobs.get(id)).state).toBe('failed')
    await gateEmpty()
    expect(freedMs).toBeLessThan(10_000)
    report('groups-kill-9', { freedMs, lockMs: 1_000, stalledIntervalMs: 250 })
  })

  it('does not spin a worker while a key is blocked (idle Redis commands/s)', async () => {
    await workers(3, 5)
    const long = await enqueue(TASK, ['busy', 'busy'], 60_000)
    await eventually(
      () => Promise.all(long.map((id) => producer.jobs.get(id))),
      (views) => views.every((v) => v.state === 'active'),
    )
    const baseline = await commandsPerSecond(3_000)
    const held = await enqueue(TASK, Array<string>(20).fill('busy'), 10)
    const blocked = await commandsPerSecond(3_000)
    // Still held, never started: no attempt charged.
    const hashes = await Promise.all(held.map(jobHash))
    expect(hashes.filter((job) => job.ats !== undefined || job.processedOn !== undefined)).toEqual(
      [],
    )
    expect((await producer.groups.view(registry.job(TASK)!, 'busy')).waiting).toBe(20)
    expect(blocked).toBeLessThan(baseline * 1.5 + 5)
    report('groups-idle', { baselinePerS: baseline, blockedPerS: blocked, workers: 3 })
  })

  it('runs 5 at once for a key set to concurrency 5, and 2 again once reset', async () => {
    await workers(3, 5)
    await producer.groups.setLimits(TASK, 'vip', { concurrency: 5 })
    let stop = sampleActive()
    let ids = await enqueue(TASK, Array<string>(15).fill('vip'), 150)
    for (const id of ids) await stack.waiter.finished('default', id, 30_000)
    expect((await stop()).most.get('vip')).toBe(5)

    expect((await producer.groups.resetLimits(TASK, 'vip')).limits.concurrency).toBe(2)
    stop = sampleActive()
    ids = await enqueue(TASK, Array<string>(8).fill('vip'), 150)
    for (const id of ids) await stack.waiter.finished('default', id, 30_000)
    expect((await stop()).most.get('vip')).toBe(2)
  })

  /** Commands Redis ran per second over `ms`, from INFO commandstats (the two INFO calls excluded). */
  async function commandsPerSecond(ms: number): Promise<number> {
    const total = async () =>
      [...(await stack.redis.info('commandstats')).matchAll(/calls=(\d+)/g)].reduce(
        (sum, [, n]) => sum + Number(n),
        0,
      )
    const before = await total()
    const startedAt = performance.now()
    await new Promise((resolve) => setTimeout(resolve, ms))
    const after = await total()
    return Math.round(((after - before - 1) * 1000) / (performance.now() - startedAt))
  }
})
