import { createBullBoard } from '@bull-board/api'
import { HonoAdapter } from '@bull-board/hono'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono, type MiddlewareHandler } from 'hono'
import type { Operations } from '@jobq/queue-core'
import { dashboardQueues } from '@jobq/queue-core/dashboard'

/**
 * GET /ui: bull-board over every registry queue (retry, promote, remove, clean from the page).
 * Two boards: the whole one for a token with `admin` (or an open API), and a read-only one
 * (bull-board's `readOnlyMode`: no action buttons) for the others; `access/dashboard-access.ts`
 * refuses their actions in any case. Mount it at `/ui`.
 */
export function dashboard(producer: Operations): Hono {
  const full = board(producer, false)
  const readOnly = board(producer, true)
  return new Hono().use(withoutThirdPartyFonts).all('*', (c) => {
    const token = c.get('apiToken')
    const chosen = !token || token.scopes.has('admin') ? full : readOnly
    return chosen.fetch(c.req.raw, c.env)
  })
}

/** One bull-board, at `/ui`; its errors are rethrown to the app's error handler. */
function board(producer: Operations, readOnly: boolean): Hono {
  const adapter = new HonoAdapter(serveStatic).setBasePath('/ui')
  createBullBoard({
    queues: dashboardQueues(producer, { readOnly }),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'jobq' } },
  })
  refusalsToApp(adapter, producer)
  const plugin = adapter.registerPlugin()
  // bull-board's Hono is the CommonJS build, whose default error handler is another function
  // than ours: mounted as it is, it would answer 500 text/plain itself. Rethrow to the app's.
  plugin.onError((err) => {
    throw err
  })
  const app = new Hono().route('/ui', plugin)
  app.onError((err) => {
    throw err
  })
  return app
}

/** bull-board's page links Google's web fonts; the page falls back to system fonts. */
const FONT_LINK = /<link href="https:\/\/fonts\.googleapis\.com\/[^"]*" rel="stylesheet">/

/**
 * Takes the web-font link out of the dashboard's page: the CSP (security-headers.ts) loads
 * nothing from other origins, and the dashboard must not tell Google who opens it.
 */
const withoutThirdPartyFonts: MiddlewareHandler = async (c, next) => {
  await next()
  if (!c.res.headers.get('content-type')?.startsWith('text/html')) return
  const html = await c.res.text()
  c.res = new Response(html.replace(FONT_LINK, ''), c.res)
}

type ErrorHandler = Parameters<HonoAdapter['setErrorHandler']>[0]

/**
 * bull-board answers every error of its API itself, as a 500. A Redis that is away or refuses
 * (full, read-only, busy, …) is rethrown instead, so the app's one error handler answers it like
 * every other route: the mapped problem (503, or 507 when full) with `Retry-After`.
 */
function refusalsToApp(adapter: HonoAdapter, producer: Operations): void {
  const own = (adapter as unknown as { errorHandler: ErrorHandler }).errorHandler
  adapter.setErrorHandler((err) => {
    const backend = producer.backend.explain(err)
    if (backend) throw backend
    return own(err)
  })
}
