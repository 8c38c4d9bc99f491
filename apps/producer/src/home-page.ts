import { Hono } from 'hono'
import { requestHeader } from './node-http.js'

/** Where a person (or a script) goes from `GET /`. */
const LINKS = {
  dashboard: '/ui',
  docs: '/docs',
  search: '/search',
  openapi: '/openapi.json',
  metrics: '/metrics',
  health: '/healthz',
  ready: '/readyz',
} as const

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>jobq</title></head>
<body>
  <h1>jobq</h1>
  <ul>
    <li><a href="/ui">Dashboard</a>: queues and jobs (retry, promote, remove)</li>
    <li><a href="/search">Search</a>: jobs by their declared search fields</li>
    <li><a href="/docs">API docs</a> (<a href="/openapi.json">OpenAPI document</a>)</li>
    <li><a href="/metrics">Metrics</a> (Prometheus), <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a></li>
  </ul>
</body>
</html>`

/**
 * `GET /`: a small page pointing to the dashboard, the docs and the OpenAPI document, or the same
 * links as JSON for a client that asks for `application/json` (and not for HTML first).
 */
export function homePage(version: string): Hono {
  return new Hono().get('/', (c) => {
    const accept = requestHeader(c, 'accept') ?? ''
    const json = accept.indexOf('application/json')
    const html = accept.indexOf('text/html')
    if (json >= 0 && (html < 0 || json < html))
      return c.json({ name: 'jobq', version, links: LINKS })
    return c.html(PAGE)
  })
}
