import { hostname } from 'node:os'
import { beforeEach, describe, expect, it } from 'vitest'
import { fixtureRegistry } from '../test/fixtures/registry.js'
import { listWorkers, registerWorker, workerKey, workersKey } from './records.js'
import { JOBQ_VERSION } from './version.js'
import { createOperations, type Operations } from './operations/index.js'
import { startWorker } from './worker/boot.js'
import type { WorkerOptions } from './worker/options.js'
import { eventually, useHarness } from './testing/index.js'

// Records are written within a heartbeat, not at once: read with `eventually`.

describe('worker records', () => {
  const h = useHarness({ registry: fixtureRegistry })
  let producer: Operations
  beforeEach(() => {
    producer = h.producer(createOperations)
  })
  const start = (options: Partial<WorkerOptions> = {}) => h.worker(startWorker, options)

  it('registers each worker, shows its current job and counts, and removes it on a clean stop', async () => {
    const worker = await start({ queues: ['fixtures'], heartbeatMs: 200 })
    const [record] = await producer.fleet.workers()
    expect(record).toMatchObject({
      id: worker.id,
      hostname: hostname(),
      pid: process.pid,
      queues: ['fixtures'],
      state: 'idle',
      currentJobs: [],
      succeeded: 0,
      failed: 0,
      version: JOBQ_VERSION,
    })
    expect(record?.jobs).toContain('test.add')
    expect(record?.jobs).not.toContain('test.other')
    expect(Date.parse(record!.birth)).toBeLessThanOrEqual(Date.parse(record!.lastHeartbeat))

    const hang = await producer.jobs.enqueue('test.hang', {})
    await h.waiter.active('fixtures', hang.id)
    await eventually(
      () => producer.fleet.workers(),
      ([r]) => r?.state === 'busy' && r.currentJobs.includes(hang.id),
    )
    await producer.control.cancel(hang.id)
    const ok = await producer.jobs.enqueue('test.add', { a: 1, b: 1 })
    await h.waiter.finished('fixtures', ok.id)
    const after = await eventually(
      () => producer.fleet.workers(),
      ([r]) => r?.succeeded === 1 && r.failed === 1,
    )
    expect(after[0]).toMatchObject({ state: 'idle', currentJobs: [] })
    expect(after[0]!.workingMs).toBeGreaterThanOrEqual(0)

    const beat = after[0]!.lastHeartbeat
    await eventually(
      () => producer.fleet.workers(),
      ([r]) => (r?.lastHeartbeat ?? '') > beat,
    )

    await worker.close(1_000)
    expect(await producer.fleet.workers()).toEqual([])
    expect(await h.redis.exists(workerKey(h.prefix, worker.id))).toBe(0)
  })

  it('a record whose heartbeats stopped expires on its own and is pruned from the set', async () => {
    const record = await registerWorker(
      h.redis,
      h.prefix,
      { id: 'gone', queues: ['fixtures'], jobs: [] },
      { heartbeatMs: 100, ttlMs: 300 },
    )
    expect((await listWorkers(h.redis, h.prefix)).map((r) => r.id)).toEqual(['gone'])
    // What kill -9 leaves: the record with its TTL, and no one to refresh it.
    expect(await h.redis.pttl(workerKey(h.prefix, 'gone'))).toBeGreaterThan(0)
    await record.remove()
    await h.redis.sadd(workersKey(h.prefix), 'ghost')
    await h.redis.hset(workerKey(h.prefix, 'ghost'), { id: 'ghost', state: 'idle' })
    await h.redis.pexpire(workerKey(h.prefix, 'ghost'), 200)
    expect((await listWorkers(h.redis, h.prefix)).map((r) => r.id)).toEqual(['ghost'])
    await eventually(
      () => listWorkers(h.redis, h.prefix),
      (list) => list.length === 0,
    )
    expect(await h.redis.smembers(workersKey(h.prefix))).toEqual([])
  })
})
