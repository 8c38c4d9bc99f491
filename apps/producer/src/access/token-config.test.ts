import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError } from '@jobq/queue-core'
import { loadEnv } from '../env.js'
import { loadTokens } from './token-env.js'

const SECRET = 'S3cr3t-0123456789abcdef'
const OTHER = 'Other-0123456789abcdef'
const REDIS_URL = 'redis://127.0.0.1:6379'

/** The `ConfigError` issues of `JOBQ_API_TOKENS=list`, as `path: message` lines. */
function issuesOf(list: string[], file?: string): string[] {
  try {
    loadTokens(list, file)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`)
  }
  throw new Error('no ConfigError')
}

describe('JOBQ_API_TOKENS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobq-tokens-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads named tokens with scopes and queues, and bare ones with every scope', () => {
    const tokens = loadTokens(
      [
        `ops:admin+read+enqueue:${SECRET}`,
        `svc:enqueue@emails|reports:${OTHER}`,
        'bare-0123456789abcdef',
      ],
      undefined,
    )
    expect(tokens.map((t) => [t.name, [...t.scopes], t.queues && [...t.queues]])).toEqual([
      ['ops', ['admin', 'read', 'enqueue'], undefined],
      ['svc', ['enqueue'], ['emails', 'reports']],
      ['token-3', ['read', 'enqueue', 'admin'], undefined],
    ])
  })

  it('refuses bad entries, naming each by its position and never quoting a secret', () => {
    const issues = issuesOf([
      `ops:admin+wrte:${SECRET}`,
      `:read:${SECRET}`,
      `dash:read:${SECRET}`,
      `dash:read:${OTHER}`,
      `svc:enqueue:${SECRET}x`,
      `web:read:${SECRET.slice(0, 8)}:${SECRET.slice(8)}`,
      `mail:read@:${OTHER}z`,
      'short',
      `cron:${SECRET}`,
    ])
    expect(issues).toEqual([
      'JOBQ_API_TOKENS: entry 1: (ops) unknown scope "wrte" (scopes: read, enqueue, admin)',
      'JOBQ_API_TOKENS: entry 2: the name must be 1 to 64 letters, digits, ".", "_" or "-"',
      'JOBQ_API_TOKENS: entry 4: the name "dash" is used twice',
      'JOBQ_API_TOKENS: entry 6: expected <name>:<scopes>:<token> or a bare token (a token may not contain ":")',
      'JOBQ_API_TOKENS: entry 7: (mail) expected queues as @<queue>|<queue> after the scopes',
      'JOBQ_API_TOKENS: entry 8: (token-8) each token must be at least 16 characters',
      'JOBQ_API_TOKENS: entry 9: expected <name>:<scopes>:<token> or a bare token (a token may not contain ":")',
    ])
    // entry 5's secret differs from entry 3's by one character: that is another token, accepted.
    expect(issuesOf([`a:read:${SECRET}`, `b:admin:${SECRET}`])).toEqual([
      'JOBQ_API_TOKENS: entry 2 (b): the same token as a',
    ])
    for (const issue of issues) {
      for (const secret of [SECRET, OTHER, SECRET.slice(0, 8), SECRET.slice(8)]) {
        expect(issue).not.toContain(secret)
      }
    }
  })

  it('reads JOBQ_API_TOKENS_FILE: one entry a line, # comments, bad lines named by number', () => {
    const file = join(dir, 'tokens')
    writeFileSync(file, `# the ops team\nops:admin:${SECRET}\n\n  dash:read:${OTHER}  \n`)
    expect(loadTokens([`svc:enqueue:${OTHER}x`], file).map((t) => t.name)).toEqual([
      'svc',
      'ops',
      'dash',
    ])
    writeFileSync(file, `# comment\nops:admin:${SECRET}\nops:read:${OTHER}\n`)
    expect(issuesOf([], file)).toEqual([
      'JOBQ_API_TOKENS_FILE: line 3: the name "ops" is used twice',
    ])
    expect(issuesOf([], join(dir, 'missing'))).toEqual([
      `JOBQ_API_TOKENS_FILE: ${join(dir, 'missing')}: ENOENT`,
    ])
  })

  it('keeps the producer env working: bare tokens, and production needs a token', () => {
    const env = loadEnv({ REDIS_URL, JOBQ_API_TOKENS: `${SECRET},${OTHER}` })
    expect(env.apiTokens.map((t) => t.name)).toEqual(['token-1', 'token-2'])
    expect(() => loadEnv({ REDIS_URL, NODE_ENV: 'production' })).toThrow(
      /JOBQ_API_TOKENS: is required/,
    )
    const file = join(dir, 'prod')
    writeFileSync(file, `ops:admin:${SECRET}\n`)
    expect(
      loadEnv({ REDIS_URL, NODE_ENV: 'production', JOBQ_API_TOKENS_FILE: file }).apiTokens,
    ).toHaveLength(1)
  })
})
