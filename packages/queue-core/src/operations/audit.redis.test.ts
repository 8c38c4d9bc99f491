import { beforeEach, describe, expect, it } from 'vitest'
import type { AuditRecord } from '../contracts/audit.js'
import { fixtureRegistry } from '../../test/fixtures/registry.js'
import { useHarness } from '../testing/index.js'
import { AUDIT_MAX_ENTRIES } from './audit.js'
import { createOperations, type Operations } from './index.js'

const entry = (n: number, token = 'ops'): AuditRecord => ({
  at: new Date(1_800_000_000_000 + n).toISOString(),
  token,
  action: n % 2 ? 'POST /v1/queues/{queue}/pause' : 'POST /v1/queues/{queue}/empty',
  target: { queue: 'default' },
  affected: n,
  requestId: `req-${n}`,
  status: 200,
})

describe('the audit trail (a capped Redis stream)', () => {
  const h = useHarness({ label: 'audit', registry: fixtureRegistry })
  let ops: Operations
  beforeEach(() => {
    ops = h.producer(createOperations)
  })

  it('lists newest first, page by page, and by action and token', async () => {
    for (let n = 0; n < 30; n++) await ops.audit.record(entry(n, n < 20 ? 'ops' : 'dash'))
    const seen: number[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page = await ops.audit.list({ limit: 7, ...(cursor && { cursor }) })
      seen.push(...page.entries.map((e) => e.affected!))
      cursor = page.nextCursor ?? undefined
      pages++
    } while (cursor)
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => 29 - i))
    expect(pages).toBe(5)

    const first = (await ops.audit.list({ limit: 1 })).entries[0]!
    expect(first).toEqual({ ...entry(29, 'dash'), id: first.id })
    expect(first.id).toMatch(/^\d+-\d+$/)

    const pauses = await ops.audit.list({ limit: 100, action: 'POST /v1/queues/{queue}/pause' })
    expect(pauses.entries.map((e) => e.affected)).toEqual([
      29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1,
    ])
    const dash = await ops.audit.list({
      limit: 3,
      token: 'dash',
      action: 'POST /v1/queues/{queue}/empty',
    })
    expect(dash.entries.map((e) => e.affected)).toEqual([28, 26, 24])
    expect(dash.nextCursor).not.toBeNull()
    const rest = await ops.audit.list({
      limit: 3,
      token: 'dash',
      cursor: dash.nextCursor!,
      action: 'POST /v1/queues/{queue}/empty',
    })
    expect(rest).toEqual({
      entries: [
        expect.objectContaining({ affected: 22 }),
        expect.objectContaining({ affected: 20 }),
      ],
      nextCursor: null,
    })
  })

  it('stays capped at about 10,000 entries however many actions are recorded', async () => {
    const total = AUDIT_MAX_ENTRIES + 3_000
    for (let n = 0; n < total; n += 1_000) {
      await Promise.all(Array.from({ length: 1_000 }, (_, i) => ops.audit.record(entry(n + i))))
    }
    const length = await h.redis.xlen(`${h.prefix}:audit`)
    expect(length).toBeGreaterThanOrEqual(AUDIT_MAX_ENTRIES)
    // `MAXLEN ~` trims whole macro nodes (100 entries each by default).
    expect(length).toBeLessThan(AUDIT_MAX_ENTRIES + 200)
    const newest = await ops.audit.list({ limit: 1 })
    expect(newest.entries[0]!.affected).toBe(total - 1)
  })
})
