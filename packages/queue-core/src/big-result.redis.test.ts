import { Queue } from 'bullmq'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  isResultMarker,
  RESULT_INLINE_MAX_CHARS,
  resolveResult,
  storeBigResult,
} from './big-result.js'
import type { Redis } from './connection.js'
import { previewJobView, PREVIEW_MAX_CHARS } from './preview.js'
import { toJobView } from './job-view.js'
import { useHarness } from './testing/index.js'

describe('big results stored with the job', () => {
  const h = useHarness({ label: 'big' })
  let redis: Redis
  let queue: Queue

  beforeEach(async () => {
    redis = h.connect('worker')
    const made = new Queue('q', { connection: redis, prefix: h.prefix })
    queue = h.track('queue q', made, (q) => q.close())
  })

  it('keeps a result up to the cap inline, untouched', async () => {
    const job = await queue.add('x', {})
    const small = { s: 'y'.repeat(RESULT_INLINE_MAX_CHARS - 10) }
    expect(await storeBigResult(redis, queue, job, small)).toBe(small)
    expect(await storeBigResult(redis, queue, job, 'a string')).toBe('a string')
    expect(await redis.hexists(queue.toKey(job.id!), 'jobqResult')).toBe(0)
  })

  it('stores a bigger one in the job hash, hands back a marker, and reads it back', async () => {
    const job = await queue.add('x', {})
    const big = { rows: Array.from({ length: 2_000 }, (_, i) => ({ i, text: 'z'.repeat(20) })) }
    const marker = await storeBigResult(redis, queue, job, big)
    expect(isResultMarker(marker)).toBe(true)
    expect(JSON.stringify(marker).length).toBeLessThan(64)
    expect(await resolveResult(redis, queue.toKey(job.id!), marker)).toEqual(big)
    // Anything that is no marker passes through as it is.
    expect(await resolveResult(redis, queue.toKey(job.id!), { a: 1 })).toEqual({ a: 1 })
  })

  it('never brings back the hash of a job removed meanwhile', async () => {
    const job = await queue.add('x', {})
    await job.remove()
    await storeBigResult(redis, queue, job, { s: 'w'.repeat(RESULT_INLINE_MAX_CHARS + 1) })
    expect(await redis.exists(queue.toKey(job.id!))).toBe(0)
  })

  it('previews data and result longer than the preview cap, and keeps short ones', async () => {
    const job = await queue.add('x', { s: 'v'.repeat(5_000) })
    job.returnvalue = { ok: true }
    const view = previewJobView(toJobView(job, 'waiting'))
    expect(view.data).toBe(
      `${JSON.stringify(job.data).slice(0, PREVIEW_MAX_CHARS)}… [jobq preview: ${PREVIEW_MAX_CHARS} of 5008 characters; GET /v1/jobs/${job.id} for the whole job]`,
    )
    expect(view.result).toEqual({ ok: true })
  })
})
