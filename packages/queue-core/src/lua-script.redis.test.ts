import { beforeEach, describe, expect, it } from 'vitest'
import type { Redis } from './connection.js'
import { script } from './lua-script.js'
import { useHarness } from './testing/index.js'

describe('script', () => {
  const h = useHarness()
  let redis: Redis
  let prefix: string
  const incrBy = script(`return redis.call('INCRBY', KEYS[1], ARGV[1])`)

  beforeEach(() => {
    ;({ prefix, redis } = h)
  })

  it('runs in the same tick as other commands of an auto-pipelined connection', async () => {
    // The first use of a script shares a pipeline with commands sent just before it.
    const [, counted] = await Promise.all([
      redis.set(`${prefix}:n`, '1'),
      incrBy(redis, [`${prefix}:n`], [2]),
    ])
    expect(counted).toBe(3)
  })

  it('loads itself again after Redis forgot its scripts (SCRIPT FLUSH)', async () => {
    await incrBy(redis, [`${prefix}:m`], [1])
    await redis.script('FLUSH')
    expect(await incrBy(redis, [`${prefix}:m`], [1])).toBe(2)
  })
})
