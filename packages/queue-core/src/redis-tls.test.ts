import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { redisTlsOf } from './config.js'
import { ConfigError } from './errors.js'

describe('redisTlsOf (REDIS_TLS_CA_FILE, REDIS_TLS_INSECURE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobq-tls-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const pem = join(dir, 'ca.pem')
  writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
  const notPem = join(dir, 'ca.txt')
  writeFileSync(notPem, 'hello')
  const tls = 'rediss://:pw@127.0.0.1:6380'

  it('reads the CA for a rediss:// URL and verifies by default', () => {
    expect(redisTlsOf({ REDIS_URL: tls, REDIS_TLS_INSECURE: false })).toEqual({
      rejectUnauthorized: true,
    })
    expect(
      redisTlsOf({ REDIS_URL: tls, REDIS_TLS_CA_FILE: pem, REDIS_TLS_INSECURE: false }),
    ).toEqual({
      ca: expect.stringContaining('BEGIN CERTIFICATE') as unknown,
      rejectUnauthorized: true,
    })
    expect(redisTlsOf({ REDIS_URL: tls, REDIS_TLS_INSECURE: true })).toEqual({
      rejectUnauthorized: false,
    })
    expect(
      redisTlsOf({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_TLS_INSECURE: false }),
    ).toBeUndefined()
  })

  it('names the variable when the settings cannot work', () => {
    const cases: [Parameters<typeof redisTlsOf>[0], RegExp][] = [
      [
        { REDIS_URL: 'redis://h:1', REDIS_TLS_CA_FILE: pem, REDIS_TLS_INSECURE: false },
        /REDIS_TLS_CA_FILE: needs a rediss:\/\//,
      ],
      [
        { REDIS_URL: 'redis://h:1', REDIS_TLS_INSECURE: true },
        /REDIS_TLS_INSECURE: needs a rediss:\/\//,
      ],
      [
        { REDIS_URL: tls, REDIS_TLS_CA_FILE: join(dir, 'nope.pem'), REDIS_TLS_INSECURE: false },
        /REDIS_TLS_CA_FILE: cannot read .*ENOENT/,
      ],
      [
        { REDIS_URL: tls, REDIS_TLS_CA_FILE: notPem, REDIS_TLS_INSECURE: false },
        /REDIS_TLS_CA_FILE: .* is not a PEM certificate/,
      ],
    ]
    for (const [env, message] of cases) {
      expect(() => redisTlsOf(env)).toThrow(ConfigError)
      expect(() => redisTlsOf(env)).toThrow(message)
    }
  })
})
