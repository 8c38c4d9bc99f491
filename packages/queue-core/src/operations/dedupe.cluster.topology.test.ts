import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dedupeRegistry } from '../../test/fixtures/dedupe-registry.js'
import { startCluster, useHarness, type RedisCluster } from '../testing/index.js'
import { startWorker } from '../worker/boot.js'
import { createOperations } from './index.js'

// The dedupe path adds a script (the key's job, read in the MULTI that adds) beside BullMQ's
// own: on a cluster every key it touches must sit in the queue's slot, or Redis answers
// CROSSSLOT. A real 3-master cluster, the prefix hash-tagged as the config check demands.
describe('dedupe on a Redis cluster', () => {
  let cluster: RedisCluster
  beforeAll(async () => {
    cluster = await startCluster({ masters: 3, replicas: 0 })
  }, 60_000)
  afterAll(() => cluster?.stop())
  const h = useHarness({
    label: 'cluster-dedupe',
    registry: dedupeRegistry,
    target: () => cluster.target,
    hashTag: true,
  })

  it('folds each mode with the same answers as on one server', async () => {
    const producer = h.producer(createOperations)
    const enqueue = (job: string, key: string, n: number) =>
      producer.jobs.enqueue(`test.${job}`, { key, n })
    const deduped = await Promise.all([1, 2, 3, 4, 5].map((n) => enqueue('deduped', 'k', n)))
    expect(deduped.filter((a) => a.outcome === 'created')).toHaveLength(1)
    expect(new Set(deduped.map((a) => a.id)).size).toBe(1)
    expect((await enqueue('throttled', 'k', 1)).outcome).toBe('created')
    expect((await enqueue('throttled', 'k', 2)).outcome).toBe('deduplicated')
    const first = await enqueue('debounced', 'k', 1)
    const last = await enqueue('debounced', 'k', 2)
    expect([first.outcome, last.outcome]).toEqual(['created', 'replaced'])
    expect(last.replacedId).toBe(first.id)
    await h.worker(startWorker, {})
    expect(await h.waiter.finished('folds', last.id)).toEqual({
      state: 'completed',
      result: { key: 'k', n: 2 },
    })
  })
})
