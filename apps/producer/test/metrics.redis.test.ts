import { describe, expect, it } from 'vitest'
import { useAppHarness } from './harness.js'

describe('GET /metrics', () => {
  const h = useAppHarness()

  const scrape = async () => {
    const res = await h.app.request('/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    return res.text()
  }

  it('exposes queue states, a backlog that counts prioritized and due delayed jobs, and enqueues', async () => {
    await h.post('/v1/jobs/demo.echo', { data: 1 })
    await h.post('/v1/jobs/demo.echo', { data: 2, options: { priority: 1 } })
    await h.post('/v1/jobs/demo.echo', { data: 3, options: { delay: 60_000 } })
    await h.post('/v1/jobs/demo.echo/bulk', { count: 2, data: 4 })
    // A delayed job whose time has come (no worker promotes it) counts in the backlog too.
    await h.post('/v1/jobs/demo.echo', { data: 5, options: { delay: 1 } })
    await new Promise((resolve) => setTimeout(resolve, 20)) // let its 1 ms delay pass

    const text = await scrape()
    expect(text).toContain('jobq_queue_jobs{queue="default",state="waiting"} 4')
    expect(text).toContain('jobq_queue_jobs{queue="default",state="delayed"} 2')
    expect(text).toContain('jobq_queue_backlog{queue="default"} 5')
    expect(text).toContain('jobq_queue_backlog{queue="big_file"} 0')
    expect(text).toContain('jobq_queue_paused{queue="default"} 0')
    expect(text).toContain('jobq_jobs_enqueued_total{queue="default",job="demo.echo"} 6')
    expect(text).toMatch(
      /jobq_http_request_duration_seconds_count\{method="POST",route="\/v1\/jobs\/demo\.echo",status="202"\} 4/,
    )
  })

  it('counts completed and failed jobs of every worker and their duration histogram', async () => {
    const worker = await h.startWorker(['default'])
    const { ids } = (await (
      await h.post('/v1/jobs/demo.sleep/bulk', { count: 4, data: { ms: 30 } })
    ).json()) as {
      ids: string[]
    }
    await h.waiter.queue('default').add('demo.sleep', { ms: 'x' }, { jobId: 'fails-1' })
    await Promise.all([...ids, 'fails-1'].map((id) => h.waiter.finished('default', id)))
    await worker.close(1_000) // a stopping worker writes what it counted

    const text = await scrape()
    expect(text).toContain('jobq_jobs_completed_total{queue="default"} 4')
    expect(text).toContain('jobq_jobs_failed_total{queue="default"} 1')
    expect(text).toContain('jobq_job_duration_seconds_count{queue="default"} 5')
    expect(text).toContain('jobq_job_duration_seconds_bucket{le="+Inf",queue="default"} 5')
    // The four 30 ms sleeps lie above the 10 ms bucket (only the failure may be in it), and the
    // sum holds their 4 × 30 ms. No upper bound: a loaded machine only makes them slower.
    expect(text).toMatch(/jobq_job_duration_seconds_bucket\{le="0.01",queue="default"\} [01]\n/)
    const sum = /jobq_job_duration_seconds_sum\{queue="default"\} ([\d.e-]+)\n/.exec(text)
    expect(Number(sum?.[1])).toBeGreaterThanOrEqual(0.12)
    expect(text).toContain('jobq_job_duration_seconds_count{queue="big_file"} 0')
  })
})
