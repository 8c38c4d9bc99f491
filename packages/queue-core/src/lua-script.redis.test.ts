import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest'
import { createRedis, waitForReady, type Redis } from './connection.js'
import { script } from './lua-script.js'
import { deletePrefix, uniquePrefix } from './testing/index.js'

describe('script', () => {
  let redis: Redis
  let prefix: string
  const incrBy = script(`return redis.call('INCRBY', KEYS[1], ARGV[1])`)

  beforeEach(async () => {
    prefix = uniquePrefix()
    redis = createRedis({ url: inject('redisUrl'), role: 'producer' })
    await waitForReady(redis, 5_000)
  })
  afterEach(async () => {
    await deletePrefix(redis, prefix)
    redis.disconnect()
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
