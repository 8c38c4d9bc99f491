import { beforeEach, describe, expect, it } from 'vitest'
import type { Redis } from './connection.js'
import { script } from './lua-script.js'
import { testRedisUrl, useHarness } from './testing/index.js'
import { Redis as IORedis } from 'ioredis'

describe('script', () => {
  const h = useHarness()
  let redis: Redis
  let prefix: string
  const incrBy = script(`return redis.call('INCRBY', KEYS[1], ARGV[1])`)

  beforeEach(() => {
    ;({ prefix, redis } = h)
  })

  it('runs in the same tick as other commands of an auto-pipelined connection', async () => {
    // A caller's own connection may auto-pipeline: the first use of a script then shares a
    // pipeline with commands sent just before it.
    const piped = new IORedis(testRedisUrl(), { enableAutoPipelining: true })
    try {
      const [, counted] = await Promise.all([
        piped.set(`${prefix}:n`, '1'),
        incrBy(piped, [`${prefix}:n`], [2]),
      ])
      expect(counted).toBe(3)
    } finally {
      piped.disconnect()
    }
  })

  it('loads itself again after Redis forgot its scripts (SCRIPT FLUSH)', async () => {
    await incrBy(redis, [`${prefix}:m`], [1])
    await redis.script('FLUSH')
    expect(await incrBy(redis, [`${prefix}:m`], [1])).toBe(2)
  })
})
