import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { registry } from './index.js'

describe('the registry', () => {
  it('has the demo jobs of DESIGN.md and the reports project on their queues', () => {
    const jobs = Object.fromEntries(registry.all().map((job) => [job.name, job.queue]))
    expect(jobs).toEqual({
      'demo.echo': 'default',
      'demo.sleep': 'default',
      'demo.big-file': 'big_file',
      'demo.rows': 'default',
      'demo.row': 'default',
      'demo.tenant-task': 'default',
      'reports.summarize': 'reports',
      'demo.refresh': 'default',
      'demo.greet': 'default',
      'demo.order': 'default',
      'demo.ledger': 'default',
    })
  })

  it.each(registry.all().map((job) => [job.name, job] as const))(
    '%s has a handler module with a default function',
    async (_name, job) => {
      const mod = (await job.handler()) as { default?: unknown }
      expect(typeof mod.default).toBe('function')
    },
  )
})

describe('demo.big-file setup()', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobq-big-file-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('creates the file once at the configured size and preloads it', async () => {
    const file = join(dir, 'nested', 'large_file.txt')
    process.env.JOBQ_DEMO_FILE = file
    process.env.JOBQ_DEMO_FILE_MB = '2'
    const { setup, default: run } = await import('./demo/big-file.handler.js')
    const first = await setup()
    expect(first.bytes).toBe(2 * 1024 * 1024)
    expect(statSync(file).size).toBe(2 * 1024 * 1024)
    const createdAt = statSync(file).mtimeMs

    const second = await setup()
    expect(statSync(file).mtimeMs).toBe(createdAt)
    expect(second.loadedAt >= first.loadedAt).toBe(true)

    const result = await run({}, { setup: first } as Parameters<typeof run>[1])
    expect(result).toEqual({ bytes: first.bytes, loadedAt: first.loadedAt, pid: process.pid })
  })

  it('refuses a bad size with the variable named', async () => {
    process.env.JOBQ_DEMO_FILE_MB = 'huge'
    const { setup } = await import('./demo/big-file.handler.js')
    await expect(setup()).rejects.toThrow(/JOBQ_DEMO_FILE_MB: must be a whole number/)
  })
})

describe('demo.order', () => {
  it('declares customerId and region searchable, charges an amount, refuses a negative one for good', async () => {
    const { order } = await import('./index.js')
    expect(order.search).toEqual(['customerId', 'region'])
    const { default: run } = await import('./demo/order.handler.js')
    const context = {} as Parameters<typeof run>[1]
    await expect(run({ customerId: 'c42', region: 'eu', amount: 3 }, context)).resolves.toEqual({
      customerId: 'c42',
      charged: 3,
    })
    const refused = run({ customerId: 'c42', region: 'eu', amount: -1 }, context)
    await expect(refused).rejects.toThrow(/amount -1 is negative/)
    await expect(refused).rejects.toHaveProperty('name', 'PermanentJobError')
  })
})
