import { beforeEach, describe, expect, it } from 'vitest'
import { eventually } from '@jobq/queue-core/testing'
import { createClient, JobqApiError, type JobqClient } from '@jobq/client'
import { useAppHarness } from './harness.js'

describe('@jobq/client: dead letters and bulk actions', () => {
  const h = useAppHarness()
  let client: JobqClient
  beforeEach(async () => {
    client = createClient({ baseUrl: await h.listen() })
  })

  it('dry-runs, starts and follows a bulk promote, and lists dead letters', async () => {
    const delayed = { delay: 3_600_000 }
    for (const amount of [1, 2])
      await client.enqueue('demo.order', { customerId: 'c5', region: 'eu', amount }, delayed)
    const request = { filter: { name: 'demo.order', customerId: 'c5', state: 'delayed' as const } }
    expect(await client.bulkDryRun('promote', request)).toMatchObject({ matched: 2 })
    const started = await client.bulkStart('promote', request)
    expect(started).toMatchObject({ action: 'promote', matched: 2 })
    const seen: number[] = []
    const end = await client.followOperation(started.id, {
      intervalMs: 20,
      onProgress: (op) => seen.push(op.done),
    })
    expect(end).toMatchObject({ state: 'done', done: 2, skipped: 0 })
    expect(seen.at(-1)).toBe(2)

    await h.startWorker(['default'])
    const dead = await client.enqueue('demo.order', { customerId: 'c6', region: 'eu', amount: -1 })
    await eventually(
      () => client.deadLetters({ queue: 'default' }),
      (page) => page.jobs.length === 1,
    )
    const page = await client.deadLetters({ name: 'demo.order', customerId: 'c6' })
    expect(page.jobs.map((job) => job.id)).toEqual([dead.id])

    const missing = await client.operation('no-such-operation').catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(JobqApiError)
    expect((missing as JobqApiError).status).toBe(404)
  })
})
