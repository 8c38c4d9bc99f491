import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { useAppHarness, type AppOptions, type Harness } from './harness.js'

// Debian's chromium, as in browser.redis.test.ts; playwright never downloads a browser here.
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
const TOKEN = 'search-page-token'

let browser: Browser
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

/** A fresh page on the app harness's server that reaches nothing beyond this machine. */
function usePage(options: AppOptions) {
  const h = useAppHarness(options)
  const state = { page: undefined as unknown as Page, base: '', violations: [] as string[] }
  beforeEach(async () => {
    state.base = await h.listen()
    state.page = await browser.newPage()
    state.violations = []
    state.page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) state.violations.push(m.text())
    })
    await state.page.route('**/*', (route) =>
      ['127.0.0.1', 'localhost'].includes(new URL(route.request().url()).hostname)
        ? route.continue()
        : route.abort(),
    )
  })
  afterEach(async () => {
    await state.page.close()
  })
  return { h, state }
}

/** Enqueues demo.order jobs for `customerId` through the API; their ids. */
async function orders(h: Harness, customerId: string, count: number, headers = {}) {
  const items = Array.from({ length: count }, (_, n) => ({
    data: { customerId, region: ['eu', 'us'][n % 2]!, amount: n + 1 },
  }))
  const res = await h.post('/v1/jobs/demo.order/bulk', { items }, headers)
  expect(res.status).toBe(202)
  return ((await res.json()) as { ids: string[] }).ids
}

/** The ids in the first column of the results table. */
const shownIds = (page: Page) => page.locator('#results tbody tr td:first-child').allTextContents()

describe('in a browser: the search page (/search)', () => {
  const { h, state } = usePage({})

  it('finds exactly the matching demo.order jobs page by page, and links each to its dashboard page', async () => {
    const mine = await orders(h, 'c42', 55)
    const others = await orders(h, 'c7', 5)
    const { page } = state

    await page.goto(`${state.base}/`)
    await page.getByRole('link', { name: 'Search', exact: true }).click()
    await page.waitForURL(`${state.base}/search`)
    await page.locator('#job').selectOption('demo.order')
    await page.getByLabel('customerId').fill('C42 ')
    await page.getByRole('button', { name: 'Search', exact: true }).click()

    // A page holds 50; "More" follows the cursor to the last 5, and then disappears.
    await expect.poll(() => shownIds(page).then((ids) => ids.length)).toBe(50)
    await page.getByRole('button', { name: 'More' }).click()
    await expect.poll(() => shownIds(page).then((ids) => ids.length)).toBe(55)
    await expect.poll(() => page.locator('#more').isHidden()).toBe(true)
    const ids = await shownIds(page)
    expect([...ids].sort()).toEqual([...mine].sort())
    expect(ids.some((id) => others.includes(id))).toBe(false)

    // A second field narrows it: c42 in region us.
    await page.getByLabel('region').fill('us')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await expect.poll(() => shownIds(page).then((shown) => shown.length)).toBe(27)

    // The row's link opens the job on the dashboard (bull-board's /ui/queue/<queue>/<id>).
    const target = mine[1]!
    await page.getByRole('link', { name: target, exact: true }).click()
    await page.waitForURL(`${state.base}/ui/queue/default/${target}`)
    // bull-board's job page: the id in its header, the job's name and data in its card.
    const shown = () => page.locator('main').innerText()
    await expect.poll(shown, { timeout: 15_000 }).toContain(target)
    await expect.poll(shown).toContain('demo.order')
    await expect.poll(shown).toMatch(/customerId:\s*"c42",\s*region:\s*"us"/)
    expect(state.violations).toEqual([])
  })

  it('shows the API refusal of a bad filter', async () => {
    const { page } = state
    await page.goto(`${state.base}/search`)
    await page.locator('#job').selectOption('demo.order')
    await page.getByLabel('From', { exact: true }).fill('2026-01-02T00:00:00')
    await page.getByLabel('To', { exact: true }).fill('2026-01-01T00:00:00')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    // No field given: the API's 400 detail, shown as is.
    await expect.poll(() => page.locator('#error').textContent()).toMatch(/^400: .*search field/)
  })
})

describe('in a browser: the search page with auth on', () => {
  const { h, state } = usePage({ apiTokens: [TOKEN] })

  it('asks for the token, then searches with it, keeping it in sessionStorage only', async () => {
    const [id] = await orders(h, 'c9', 1, { authorization: `Bearer ${TOKEN}` })
    const { page } = state
    await page.goto(`${state.base}/search`)
    await expect.poll(() => page.locator('#error').textContent()).toMatch(/^401/)

    await page.getByLabel('API token').fill(TOKEN)
    await page.getByRole('button', { name: 'Use token' }).click()
    await page.locator('#job option[value="demo.order"]').waitFor({ state: 'attached' })
    await page.getByLabel('customerId').fill('c9')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await expect.poll(() => shownIds(page)).toEqual([id])
    // A string: the test's tsconfig has no DOM types; this runs in the page.
    const stored = await page.evaluate<{ session: string | null; local: number; cookies: string }>(
      "({ session: sessionStorage.getItem('jobq.token'), local: localStorage.length, cookies: document.cookie })",
    )
    expect(stored).toEqual({ session: TOKEN, local: 0, cookies: '' })
  })
})
