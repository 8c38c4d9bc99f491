import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { fixtureRegistry } from '../test/fixtures/registry.js'
import { startCluster, useHarness, type RedisCluster } from './testing/index.js'
import { exerciseStack } from '../test/topology-checks.js'
import { openStack, runThroughFailover, type Stack } from '../test/topology-scenario.js'

// A real 3-master cluster with a replica per master, from Debian's redis-server. The prefix is
// hash-tagged ({…}) so every key of the run lives in one slot, as the config check demands.
describe('on a Redis cluster', () => {
  let cluster: RedisCluster
  let stack: Stack
  let prefix: string

  beforeAll(async () => {
    cluster = await startCluster({ masters: 3, replicas: 1, password: 'cluster-test-secret' })
  }, 60_000)
  afterAll(() => cluster?.stop())
  const h = useHarness({
    label: 'cluster',
    registry: fixtureRegistry,
    target: () => cluster.target,
    hashTag: true,
  })
  beforeEach(async () => {
    prefix = h.prefix
    stack = await openStack(h)
  })

  it('runs jobs, streams their events, cancels an active one and lists the worker', async () => {
    await exerciseStack(stack)
  })

  it('kill -9 of the master holding the queue: jobs flow again, none acknowledged lost', async () => {
    const master = await cluster.masterOf(prefix)
    const { recoveryMs, acked, outcomes } = await runThroughFailover(stack, () => {
      master.process.kill('SIGKILL')
    })
    console.log(
      `[failover] cluster: processing resumed ${recoveryMs} ms after kill -9 (${acked} jobs)`,
    )
    expect((await cluster.masterOf(prefix)).port).not.toBe(master.port)
    expect(outcomes.filter((state) => state !== 'completed')).toEqual([])
    expect(recoveryMs).toBeLessThan(20_000)
  }, 90_000)
})
