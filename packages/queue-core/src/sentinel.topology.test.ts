import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { fixtureRegistry } from '../test/fixtures/registry.js'
import { startSentinelSet, useHarness, type SentinelSet } from './testing/index.js'
import { exerciseStack } from '../test/topology-checks.js'
import { openStack, runThroughFailover, type Stack } from '../test/topology-scenario.js'

// A real Sentinel set (primary + replica + 3 sentinels, password on) from Debian's redis-server.
describe('on a Sentinel set', () => {
  let set: SentinelSet
  let stack: Stack

  beforeAll(async () => {
    set = await startSentinelSet({ password: 'sentinel-test-secret' })
  }, 30_000)
  afterAll(() => set?.stop())
  const h = useHarness({ label: 'sentinel', registry: fixtureRegistry, target: () => set.target })
  beforeEach(async () => {
    stack = await openStack(h)
  })

  it('runs jobs, streams their events, cancels an active one and lists the worker', async () => {
    await exerciseStack(stack)
  })

  it('kill -9 of the primary: jobs flow again within seconds, no acknowledged job lost', async () => {
    const { recoveryMs, acked, outcomes } = await runThroughFailover(stack, () => {
      set.primary.process.kill('SIGKILL')
    })
    console.log(
      `[failover] sentinel: processing resumed ${recoveryMs} ms after kill -9 (${acked} jobs)`,
    )
    expect(await set.primaryPort()).toBe(set.replica.port)
    expect(outcomes.filter((state) => state !== 'completed')).toEqual([])
    expect(recoveryMs).toBeLessThan(15_000)
  }, 90_000)
})
