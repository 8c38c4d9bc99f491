/**
 * Takes README "Operate"'s screenshot of the dashboard's Logs tab: starts a private redis-server,
 * the built producer and worker, runs a demo.sleep that logs its steps, opens its job page in
 * Debian's chromium, clicks "Logs" and saves `docs/img/logs-tab.png`.
 *
 *   pnpm build && pnpm --filter @jobq/producer exec tsx scripts/screenshot-logs.ts
 */
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { eventually, freePort, spawnNode, startRedisServer } from '@jobq/queue-core/redis-server'

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url))
const out = root('docs/img/logs-tab.png')

const redis = await startRedisServer()
const env = { REDIS_URL: redis.url, JOBQ_PREFIX: 'screenshot', LOG_LEVEL: 'warn' }
const port = await freePort()
const producer = spawnNode(root('apps/producer/dist/main.js'), [], {
  env: { ...env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info' },
})
const worker = spawnNode(root('apps/worker/dist/main.js'), ['default'], {
  env: { ...env, LOG_LEVEL: 'info' },
})
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
})
try {
  await Promise.all([producer.waitFor(/producer listening/), worker.waitFor(/worker taking jobs/)])
  const base = `http://127.0.0.1:${port}`
  const res = await fetch(`${base}/v1/jobs/demo.sleep`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data: { ms: 1_500, message: 'report ready' } }),
  })
  const body = await res.text()
  if (res.status !== 202) throw new Error(`enqueue answered ${res.status}: ${body}`)
  const { id } = JSON.parse(body) as { id: string }
  await eventually(
    async () => ((await (await fetch(`${base}/v1/jobs/${id}`)).json()) as { state: string }).state,
    (state) => state === 'completed',
    { timeoutMs: 30_000, what: 'the demo job to complete' },
  )
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  await page.goto(`${base}/ui/queue/default/${id}`)
  await page.getByText('Logs', { exact: true }).first().click()
  await page.getByText('step 10 of 10 done').waitFor()
  await page.screenshot({ path: out, fullPage: false })
  console.log(`saved ${out}`)
} finally {
  await browser.close()
  for (const child of [producer, worker]) {
    child.child.kill('SIGTERM')
    await child.exited
  }
  await redis.stop()
}
