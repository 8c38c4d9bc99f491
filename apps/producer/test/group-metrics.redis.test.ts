import { describe, expect, it } from 'vitest'
import { TOP_KEYS } from '../src/group-metrics.js'
import { useAppHarness } from './harness.js'

describe('GET /metrics: flow control', () => {
  const h = useAppHarness()

  it('counts the keys with work and exports the busiest keys only', async () => {
    // TOP_KEYS + 5 tenants: tenant i has i + 1 jobs, so the busiest are the last ones.
    const tenants = Array.from({ length: TOP_KEYS + 5 }, (_, i) => `t${i}`)
    const items = tenants.flatMap((tenant, i) =>
      Array.from({ length: i + 1 }, () => ({ data: { tenant, ms: 1 } })),
    )
    expect((await h.post('/v1/jobs/demo.tenant-task/bulk', { items })).status).toBe(202)
    const text = await (await h.app.request('/metrics')).text()
    expect(text).toContain(`jobq_group_keys{queue="default"} ${tenants.length}`)
    expect(text).toContain('jobq_group_keys{queue="reports"} 0')
    const series = text.split('\n').filter((line) => line.startsWith('jobq_group_jobs{'))
    expect(series).toHaveLength(2 * TOP_KEYS)
    const last = tenants.length - 1
    expect(text).toContain(
      `jobq_group_jobs{queue="default",job="demo.tenant-task",key="t${last}",state="waiting"} ${last + 1 - 2}`,
    )
    expect(text).not.toContain('key="t0"')
  })
})
