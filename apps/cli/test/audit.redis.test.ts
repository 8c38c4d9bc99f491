import { fileURLToPath } from 'node:url'
import { userInfo } from 'node:os'
import { describe, expect, it } from 'vitest'
import { registry } from '@jobq/jobs'
import { createOperations } from '@jobq/queue-core'
import type { AuditEntry } from '@jobq/queue-core/contracts'
import { spawnNode, testRedisUrl, useHarness } from '@jobq/queue-core/testing'

const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url))

describe("the CLI's admin actions in the audit trail (built, against real Redis)", () => {
  const h = useHarness({ label: 'cli-audit', registry })

  async function jobq(...args: string[]) {
    const env = { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: h.prefix, NO_COLOR: '1' }
    const run = spawnNode(cli, args, { env })
    const code = await run.exited
    return { code, out: run.output() }
  }

  async function trail(): Promise<AuditEntry[]> {
    const ops = h.producer(createOperations)
    return (await ops.audit.list({ limit: 100 })).entries.reverse() // oldest first
  }

  it('writes each one, refused or not, naming the OS user, the command, its target and count', async () => {
    const enqueue = (delay: string) =>
      jobq('enqueue', 'demo.echo', '--data', '{"n":1}', '--delay', delay)
    for (const delay of ['3600000', '3600000', '3600000'])
      expect((await enqueue(delay)).code).toBe(0)
    const steps: [string[], number][] = [
      [['pause', 'default'], 0],
      [['resume'], 0],
      [['bulk', 'promote', '--queue', 'default', '--yes'], 0],
      [['empty', 'default', '--yes'], 0],
      [['clean', 'default', '--state', 'completed', '--older-than', '0', '--yes'], 0],
      [['group', 'set', 'demo.tenant-task', 'acme', '--concurrency', '2'], 0],
      [['group', 'reset', 'demo.tenant-task', 'acme'], 0],
      [['retry', 'default', '--all', '--yes'], 0],
      [['cancel', '00000000-0000-4000-8000-000000000000'], 1],
    ]
    for (const [args, code] of steps) {
      const run = await jobq(...args)
      expect(run.code, `${args.join(' ')}: ${run.out}`).toBe(code)
    }

    const entries = await trail()
    const queues = registry.queueNames.length
    expect(entries.map((e) => [e.action, e.target, e.affected, e.status])).toEqual([
      ['jobq pause', { queue: 'default' }, 1, 200],
      ['jobq resume', {}, queues, 200],
      ['jobq bulk promote', { request: '{"filter":{"queue":"default"}}' }, 3, 200],
      ['jobq empty', { queue: 'default' }, 3, 200],
      ['jobq clean', { queue: 'default', state: 'completed', olderThanMs: '0' }, 0, 200],
      [
        'jobq group set',
        { job: 'demo.tenant-task', key: 'acme', limits: '{"concurrency":2}' },
        1,
        200,
      ],
      ['jobq group reset', { job: 'demo.tenant-task', key: 'acme' }, 1, 200],
      ['jobq retry', { queue: 'default' }, 0, 200],
      ['jobq cancel', { id: '00000000-0000-4000-8000-000000000000' }, 0, 404],
    ])
    for (const entry of entries) {
      expect(entry.token).toMatch(new RegExp(`^cli:${userInfo().username}@.+`))
      expect(entry.requestId).toMatch(/^[0-9a-f-]{36}$/)
    }
    // The HTTP trail's reader sees them too: `jobq audit` lists them, newest first.
    const listed = await jobq('audit', '--json', '--limit', '2')
    expect(listed.code, listed.out).toBe(0)
    const page = JSON.parse(listed.out) as { entries: AuditEntry[] }
    expect(page.entries.map((e) => e.action)).toEqual(['jobq cancel', 'jobq retry'])
  })
})
