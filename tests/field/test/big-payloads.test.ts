import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { startWorker } from '@jobq/queue-core'
import type { JobWaiter } from '@jobq/queue-core/testing'
import { useHttpStack } from './support/http-stack.js'

// Kind 9: big payloads do not sink the API, the dashboard or Redis. The input: 20
// completed demo.echo jobs of 3 MB each (JOBQ_BODY_LIMIT_BYTES=8388608). Lists and the dashboard
// answer previews (kilobytes, not 120/60 MiB), the whole job stays on GET /v1/jobs/:id and its
// event stream, the events stream holds no result bigger than the cap, and the dashboard page
// renders in Chromium within a bound.

const MB3 = 3_000_000
const JOBS = 20
const KIB = 1024

const stack = useHttpStack({ bodyLimitBytes: 8 * 1024 * 1024, per: 'file' })
let waiter: JobWaiter
let ids: string[]
let base: string

beforeAll(async () => {
  base = await stack.listen()
  waiter = stack.waiter
  const res = await stack.app.request('/v1/jobs/demo.echo/bulk', {
    method: 'POST',
    body: JSON.stringify({ count: JOBS, data: { blob: 'x'.repeat(MB3) } }),
    headers: { 'content-type': 'application/json' },
  })
  expect(res.status).toBe(202)
  ids = ((await res.json()) as { ids: string[] }).ids
  await stack.worker(startWorker, { queues: ['default'], concurrency: 4 })
  for (const id of ids)
    expect((await waiter.finished('default', id, 60_000)).state).toBe('completed')
}, 120_000)

async function bytesOf(path: string): Promise<{ status: number; bytes: number; body: string }> {
  const res = await fetch(`${base}${path}`)
  const body = await res.text()
  return { status: res.status, bytes: Buffer.byteLength(body), body }
}

describe('20 completed jobs of 3 MB each', () => {
  it('GET /v1/queues/default/jobs?state=completed sends previews: under 64 KiB, not 120 MiB', async () => {
    const list = await bytesOf('/v1/queues/default/jobs?state=completed&limit=50')
    expect(list.status).toBe(200)
    expect(list.bytes).toBeLessThan(64 * KIB)
    const { jobs } = JSON.parse(list.body) as { jobs: { id: string; data: unknown }[] }
    expect(jobs).toHaveLength(JOBS)
    for (const job of jobs) {
      expect(job.data).toMatch(
        new RegExp(
          `^\\{"blob":"x+… \\[jobq preview: 1024 of ${MB3 + 11} characters; GET /v1/jobs/${job.id} for the whole job\\]$`,
        ),
      )
    }
  })

  it("each poll of the dashboard's /ui/api/queues sends under 64 KiB, not 60 MiB", async () => {
    const poll = await bytesOf(
      '/ui/api/queues?activeQueue=default&status=completed&page=1&jobsPerPage=20',
    )
    expect(poll.status).toBe(200)
    expect(poll.bytes).toBeLessThan(64 * KIB)
    expect(poll.body).toContain('jobq preview: 1024 of')
    expect(poll.body).toContain('stored with the job')
  })

  it('GET /v1/jobs/:id and its event stream still give the whole job and the whole result', async () => {
    const one = await bytesOf(`/v1/jobs/${ids[0]}`)
    const job = JSON.parse(one.body) as {
      data: { blob: string }
      result: { echo: { blob: string } }
    }
    expect(job.data.blob).toHaveLength(MB3)
    expect(job.result.echo.blob).toHaveLength(MB3)

    const events = await bytesOf(`/v1/jobs/${ids[1]}/events`)
    const completed = /event: completed\ndata: (.*)\n/.exec(events.body)?.[1] ?? '{}'
    expect(
      (JSON.parse(completed) as { result: { echo: { blob: string } } }).result.echo.blob,
    ).toHaveLength(MB3)
  })

  it('the events stream holds no big result: under 256 KiB after 60 MB of results', async () => {
    const key = `${stack.prefix}:default:events`
    expect(await stack.redis.xlen(key)).toBeGreaterThan(JOBS) // the events are all there…
    const bytes = Number(await stack.redis.call('MEMORY', 'USAGE', key))
    expect(bytes).toBeLessThan(256 * KIB) // …without the payloads
  })

  it('the dashboard page renders the completed list in Chromium within 15 s and 150 MB of heap', async () => {
    if (!existsSync('/usr/bin/chromium')) throw new Error('apt-get install -y chromium')
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
    })
    try {
      const page = await browser.newPage()
      await page.route('**/*', (route) =>
        ['127.0.0.1', 'localhost'].includes(new URL(route.request().url()).hostname)
          ? route.continue()
          : route.abort(),
      )
      const started = Date.now()
      await page.goto(`${base}/ui/queue/default?status=completed`)
      // The first page of completed jobs, each with its data preview and its result's marker.
      await page.getByText('jobq preview: 1024 of').first().waitFor({ timeout: 15_000 })
      await page.getByText('stored with the job').first().waitFor({ timeout: 15_000 })
      const elapsed = Date.now() - started
      const cdp = await page.context().newCDPSession(page)
      await cdp.send('Performance.enable')
      const { metrics } = await cdp.send('Performance.getMetrics')
      const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Infinity
      expect(elapsed).toBeLessThan(15_000)
      expect(heap).toBeLessThan(150 * 1024 * 1024)
    } finally {
      await browser.close()
    }
  })
})
