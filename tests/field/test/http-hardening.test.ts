import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { useHttpStack } from './support/http-stack.js'

// Kind 11: the HTTP surface is hardened like a web app. Security headers on every kind of
// response (API, problem, metrics, pages, assets), trailing-slash variants of the pages, a home
// page at `/`, and the pages proved to work under their CSP in Chromium.

const CHROMIUM = '/usr/bin/chromium'
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run']

const stack = useHttpStack()
let base: string

beforeEach(async () => {
  base = await stack.listen()
})

/** One request of every kind the producer answers, over a real socket (Node's response path). */
const KINDS: [string, RequestInit?][] = [
  [
    '/v1/jobs/demo.echo',
    {
      method: 'POST',
      body: JSON.stringify({ data: { n: 1 } }),
      headers: { 'content-type': 'application/json' },
    },
  ],
  [
    '/v1/jobs/demo.echo',
    { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } },
  ],
  ['/v1/queues'],
  ['/v1/jobs/no-such-job'],
  ['/v1/jobs/no-such-job/events'],
  ['/metrics'],
  ['/healthz'],
  ['/readyz'],
  ['/openapi.json'],
  ['/no/such/route'],
  ['/'],
  ['/ui'],
  ['/ui/api/queues'],
  ['/docs'],
  ['/docs/assets/swagger-ui.css'],
]

describe('security headers', () => {
  it.each(KINDS)('%s answers nosniff, DENY framing, no-referrer and a CSP', async (path, init) => {
    const res = await fetch(`${base}${path}`, { redirect: 'manual', ...init })
    await res.body?.cancel()
    expect(res.status).toBeLessThan(500)
    expect({
      nosniff: res.headers.get('x-content-type-options'),
      frame: res.headers.get('x-frame-options'),
      referrer: res.headers.get('referrer-policy'),
      frameAncestors: /frame-ancestors 'none'/.test(
        res.headers.get('content-security-policy') ?? '',
      ),
    }).toEqual({ nosniff: 'nosniff', frame: 'DENY', referrer: 'no-referrer', frameAncestors: true })
  })

  it("gives the API a CSP that loads nothing, and the pages one that loads from 'self' only", async () => {
    const api = await fetch(`${base}/v1/queues`)
    expect(api.headers.get('content-security-policy')).toMatch(/^default-src 'none'/)
    for (const page of ['/ui', '/docs', '/search', '/']) {
      const csp = (await fetch(`${base}${page}`)).headers.get('content-security-policy') ?? ''
      expect(csp).toMatch(/default-src 'self'/)
      expect(csp).toMatch(/script-src 'self'(;|$)/) // no 'unsafe-inline', no 'unsafe-eval'
    }
  })
})

describe('trailing slashes and the home page', () => {
  it.each([
    ['/ui/', '/ui'],
    ['/docs/', '/docs'],
    ['/ui/queue/default/', '/ui/queue/default'],
    ['/ui/?status=failed', '/ui?status=failed'],
  ])('%s leads to %s, which answers the page', async (path, target) => {
    const res = await fetch(`${base}${path}`, { redirect: 'manual' })
    expect(res.status).toBe(301)
    expect(
      new URL(res.headers.get('location') ?? '', base).pathname +
        new URL(res.headers.get('location') ?? '', base).search,
    ).toBe(target)
    const page = await fetch(`${base}${path}`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
  })

  it('GET / answers a page pointing to /ui, /docs and /openapi.json, or JSON when asked', async () => {
    const html = await fetch(`${base}/`, { headers: { accept: 'text/html,*/*' } })
    expect(html.status).toBe(200)
    const text = await html.text()
    for (const link of ['/ui', '/docs', '/openapi.json']) expect(text).toContain(`href="${link}"`)

    const json = await fetch(`${base}/`, { headers: { accept: 'application/json' } })
    expect(json.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await json.json()).toMatchObject({
      name: 'jobq',
      links: { dashboard: '/ui', docs: '/docs', openapi: '/openapi.json' },
    })
  })
})

describe('in Chromium: the pages work under their CSP', () => {
  let browser: Browser
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
  })
  afterAll(async () => {
    await browser?.close()
  })

  it.each([
    ['/ui', 'default'],
    ['/ui/', 'default'],
    ['/docs', 'demo.echo'],
    ['/docs/', 'demo.echo'],
    ['/', 'Dashboard'],
    // The search page's script ran: it loaded /v1/registry and rendered demo.order's fields.
    ['/search', 'customerId'],
  ])('%s renders (%s shows) and reports no CSP violation', async (path, shows) => {
    const page = await browser.newPage()
    try {
      const violations: string[] = []
      page.on('console', (msg) => {
        if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text())
      })
      await page.exposeFunction('reportViolation', (v: string) => violations.push(v))
      // Every violation, also those the console does not show (a string: no DOM types here).
      await page.addInitScript(
        "document.addEventListener('securitypolicyviolation', (e) => " +
          "window.reportViolation(e.violatedDirective + ' ' + e.blockedURI))",
      )
      // Nothing leaves this machine (bull-board asks for web fonts).
      await page.route('**/*', (route) =>
        ['127.0.0.1', 'localhost'].includes(new URL(route.request().url()).hostname)
          ? route.continue()
          : route.abort(),
      )
      await page.goto(`${base}${path}`)
      await page.getByText(shows).first().waitFor({ timeout: 20_000 })
      expect(violations).toEqual([])
    } finally {
      await page.close()
    }
  })

  it('no other origin can frame the dashboard or the docs', async () => {
    const page = await browser.newPage()
    try {
      await page.route('http://elsewhere.test/', (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: `<iframe src="${base}/ui"></iframe><iframe src="${base}/docs"></iframe>`,
        }),
      )
      await page.goto('http://elsewhere.test/')
      // A frame the browser refused shows its error page, never the jobq page.
      await expect
        .poll(
          () =>
            page
              .frames()
              .slice(1)
              .map((frame) => frame.url()),
          { timeout: 10_000 },
        )
        .toEqual(['chrome-error://chromewebdata/', 'chrome-error://chromewebdata/'])
    } finally {
      await page.close()
    }
  })
})
