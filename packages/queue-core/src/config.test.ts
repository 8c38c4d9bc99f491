import { describe, expect, it } from 'vitest'
import { baseEnvShape, intEnv, parseEnv } from './config.js'
import { ConfigError } from './errors.js'

describe('parseEnv', () => {
  const shape = { ...baseEnvShape, PORT: intEnv(1, 65_535, 3_000) }

  it('applies defaults and treats empty strings as unset', () => {
    const env = parseEnv(shape, { REDIS_URL: 'redis://127.0.0.1:6379', PORT: '' })
    expect(env).toMatchObject({ PORT: 3_000, JOBQ_PREFIX: 'jobq', LOG_LEVEL: 'info' })
  })

  it('names every bad variable and says what is expected', () => {
    let error: unknown
    try {
      parseEnv(shape, { REDIS_URL: 'http://x', PORT: 'eighty', LOG_LEVEL: 'loud' })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(ConfigError)
    const message = (error as Error).message
    expect(message).toContain('REDIS_URL: must be a redis:// or rediss:// URL')
    expect(message).toContain('PORT: must be a whole number')
    expect(message).toMatch(/LOG_LEVEL: .*"info"/)
  })

  it('requires REDIS_URL (or a topology) with an example', () => {
    expect(() => parseEnv(shape, {})).toThrow(/REDIS_URL: is required, e\.g\. redis:\/\//)
  })

  it('rejects a prefix with characters Redis keys should not carry', () => {
    expect(() => parseEnv(shape, { REDIS_URL: 'redis://h:1', JOBQ_PREFIX: 'a b:c' })).toThrow(
      /JOBQ_PREFIX/,
    )
  })
})
