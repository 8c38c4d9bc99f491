import { describe, expect, it } from 'vitest'
import { baseEnvShape, parseEnv } from './config.js'
import { redisTargetOf } from './redis-target.js'

const parse = (env: Record<string, string>) => parseEnv(baseEnvShape, env)

describe('Redis topology from the environment', () => {
  it('a URL alone is one server', () => {
    expect(redisTargetOf(parse({ REDIS_URL: 'redis://:pw@h:6379/2' }))).toEqual({
      kind: 'standalone',
      url: 'redis://:pw@h:6379/2',
    })
  })

  it('sentinels + a master name, with the password still from REDIS_URL', () => {
    const env = parse({
      REDIS_SENTINELS: 's1:26379, [::1]:26380',
      REDIS_SENTINEL_NAME: 'mymaster',
      REDIS_URL: 'redis://:pw@ignored',
    })
    expect(redisTargetOf(env)).toEqual({
      kind: 'sentinel',
      name: 'mymaster',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      url: 'redis://:pw@ignored',
    })
  })

  it('cluster nodes with a hash-tagged prefix', () => {
    const env = parse({ REDIS_CLUSTER_NODES: 'n1:7000,n2:7001', JOBQ_PREFIX: '{jobq}' })
    expect(redisTargetOf(env)).toMatchObject({ kind: 'cluster', nodes: [{ host: 'n1' }, {}] })
  })

  it.each([
    [{}, /REDIS_URL: is required.*REDIS_SENTINELS or REDIS_CLUSTER_NODES/],
    [{ REDIS_SENTINELS: 's1:26379' }, /REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS/],
    [{ REDIS_SENTINELS: 's1' }, /REDIS_SENTINELS: "s1" is not host:port/],
    [{ REDIS_SENTINEL_NAME: 'm', REDIS_URL: 'redis://h' }, /REDIS_SENTINELS: is required/],
    [{ REDIS_CLUSTER_NODES: 'n1:70000', JOBQ_PREFIX: '{j}' }, /"n1:70000" is not host:port/],
    [{ REDIS_CLUSTER_NODES: 'n1:7000' }, /JOBQ_PREFIX: must start with a hash tag.*CROSSSLOT/],
    [{ REDIS_CLUSTER_NODES: 'n1:7000', JOBQ_PREFIX: 'jobq{}' }, /JOBQ_PREFIX: must start/],
    [{ REDIS_CLUSTER_NODES: 'n:1', JOBQ_PREFIX: '{j}', REDIS_URL: 'redis://h/3' }, /only db 0/],
    [
      { REDIS_CLUSTER_NODES: 'n:1', REDIS_SENTINELS: 's:2', REDIS_SENTINEL_NAME: 'm' },
      /REDIS_CLUSTER_NODES: cannot be combined/,
    ],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => parse(env as Record<string, string>)).toThrow(message)
  })
})
