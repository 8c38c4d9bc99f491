import { describe, expect, it } from 'vitest'
import { createClient } from '@jobq/client'
import { loadTokens } from '../src/access/token-env.js'
import { useAppHarness } from './harness.js'

const OPS = 'ops-secret-0123456789abcdef'
const DASH = 'dash-secret-0123456789abcdef'
const tokens = loadTokens([`ops:admin+read+enqueue:${OPS}`, `dash:read:${DASH}`], undefined)

describe('@jobq/client with named tokens', () => {
  const h = useAppHarness({ apiTokens: tokens })

  it('acts with a token that has the scope, reads the audit trail, and gets the 403 of one that has not', async () => {
    const baseUrl = await h.listen()
    const ops = createClient({ baseUrl, token: OPS })
    const dash = createClient({ baseUrl, token: DASH })
    const job = await ops.enqueue('demo.echo', { n: 1 })
    expect(await dash.get(job.id)).toMatchObject({ id: job.id, state: 'waiting' })
    await expect(dash.enqueue('demo.echo', { n: 2 })).rejects.toMatchObject({
      status: 403,
      problem: {
        type: '/problems/missing-scope',
        detail: 'this token (dash) lacks the enqueue scope',
      },
    })
    expect(await ops.empty('default')).toMatchObject({ affected: 1 })
    await expect(dash.audit()).rejects.toMatchObject({ status: 403 })
    const trail = await ops.audit({ limit: 10, token: 'ops' })
    expect(trail.entries).toMatchObject([
      { token: 'ops', action: 'POST /v1/queues/{queue}/empty', affected: 1, status: 200 },
    ])
    expect(trail.nextCursor).toBeNull()
    expect(await h.jobCount('default')).toBe(0)
  })
})
