import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { useAppHarness } from './harness.js'

// Debian's chromium (installed by the test bootstrap); playwright never downloads a browser here.
const CHROMIUM = '/usr/bin/chromium'
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

describe('in a browser: the dashboard (/ui) and the API docs (/docs)', () => {
  let browser: Browser
  let page: Page
  let base: string

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: run the test bootstrap, or apt-get install -y chromium`,
      )
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
  })
  afterAll(async () => {
    await browser?.close()
  })

  const h = useAppHarness()
  beforeEach(async () => {
    base = await h.listen()
    page = await browser.newPage()
    // Nothing leaves this machine: the pages must work from this server alone.
    await page.route('**/*', (route) =>
      ['127.0.0.1', 'localhost'].includes(new URL(route.request().url()).hostname)
        ? route.continue()
        : route.abort(),
    )
  })
  afterEach(async () => {
    await page.close()
  })

  it('shows every queue and retries a failed job from the page', async () => {
    const worker = await h.startWorker(['default'])
    // A payload past the producer's validation: the worker fails it for good.
    await h.waiter.queue('default').add('demo.sleep', { ms: 'soon' }, { jobId: 'broken-1' })
    expect((await h.waiter.finished('default', 'broken-1')).state).toBe('failed')
    await worker.close(1_000) // no worker: a retried job stays visibly waiting

    await page.goto(`${base}/ui`)
    for (const queue of ['default', 'big_file', 'reports']) {
      await page.getByRole('link', { name: queue, exact: true }).first().waitFor()
    }

    await page.goto(`${base}/ui/queue/default?status=failed`)
    await page.getByText('broken-1').waitFor()
    await page.getByRole('button', { name: /retry all/i }).click()
    const confirm = page.getByRole('button', { name: /^(confirm|retry|ok|yes)/i })
    if (await confirm.count()) await confirm.last().click()

    await expect
      .poll(
        async () =>
          ((await (await h.app.request('/v1/jobs/broken-1')).json()) as { state: string }).state,
        {
          timeout: 10_000,
        },
      )
      .toBe('waiting')
  })

  it('renders the API docs from /openapi.json', async () => {
    await page.goto(`${base}/docs`)
    await page.getByText('jobq API').first().waitFor()
    await page.getByText('/v1/jobs/demo.sleep', { exact: true }).first().waitFor()
    expect(await page.getByText('/v1/jobs/demo.big-file', { exact: true }).count()).toBeGreaterThan(
      0,
    )
  })
})
