import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { spawnNode, testRedisUrl, useHarness } from '@jobq/queue-core/testing'

const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url))
const repoLock = fileURLToPath(
  new URL('../../../packages/jobs/registry.lock.json', import.meta.url),
)

describe('jobq registry check|lock and enqueue --version (built, as a subprocess)', () => {
  const h = useHarness({ label: 'cli-versions' })

  async function jobq(...args: string[]) {
    const env = { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: h.prefix, NO_COLOR: '1' }
    const run = spawnNode(cli, args, { env })
    return { code: await run.exited, out: run.output() }
  }

  it('passes on the committed lock, and a fresh lock equals it', async () => {
    const check = await jobq('registry', 'check')
    expect(check, check.out).toMatchObject({ code: 0 })
    const file = join(h.scratchDir(), 'lock.json')
    expect((await jobq('registry', 'lock', '--file', file)).code).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(repoLock, 'utf8'))
  })

  it('exits 1 naming job, version and field when the registry dropped a locked field', async () => {
    // The lock says demo.sleep took a `priority` field: the registry no longer does.
    const lock = JSON.parse(readFileSync(repoLock, 'utf8')) as {
      jobs: Record<string, { input: Record<string, { properties: Record<string, unknown> }> }>
    }
    lock.jobs['demo.sleep']!.input['1']!.properties.priority = { type: 'integer' }
    const file = join(h.scratchDir(), 'lock.json')
    writeFileSync(file, JSON.stringify(lock))
    const check = await jobq('registry', 'check', '--file', file, '--json')
    expect(check.code).toBe(1)
    const printed = JSON.parse(check.out.slice(0, check.out.lastIndexOf('}') + 1)) as {
      breaking: { job: string; version: number; field: string; kind: string }[]
    }
    expect(printed.breaking).toEqual([
      expect.objectContaining({
        job: 'demo.sleep',
        version: 1,
        field: 'data.priority',
        kind: 'removed-field',
      }),
    ])
    // `lock` refuses to paper over it without --force; with it, the lock is the registry again.
    expect((await jobq('registry', 'lock', '--file', file)).code).toBe(1)
    expect((await jobq('registry', 'lock', '--file', file, '--force')).code).toBe(0)
    expect((await jobq('registry', 'check', '--file', file)).code).toBe(0)
  })

  it('enqueues an older version with --version, warning that no worker runs it', async () => {
    const sent = await jobq(
      'enqueue',
      'demo.greet',
      '--version',
      '1',
      '--data',
      '{"name":"Ada Lovelace"}',
      '--json',
    )
    expect(sent.code, sent.out).toBe(0)
    expect(sent.out).toMatch(/warning: no live worker can run version 1 of "demo.greet"/)
    const wrong = await jobq('enqueue', 'demo.greet', '--version', '1', '--data', '{"first":1}')
    expect(wrong.code).toBe(2)
    expect(wrong.out).toMatch(/data.name/)
    const refused = await jobq(
      'enqueue',
      'demo.greet',
      '--data',
      '{"firstName":"A"}',
      '--require-worker',
    )
    expect(refused.code).toBe(1)
    expect(refused.out).toMatch(/no live worker can run version 2 .*nothing was enqueued/)
  })
})
