import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Hono } from 'hono'

const assets = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))

const FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>jobq API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>`

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true })`

/**
 * GET /docs: Swagger UI over /openapi.json, its assets served from the swagger-ui-dist package
 * so the page works with no network beyond this server.
 */
export function docsPage(): Hono {
  const cache = new Map<string, Promise<Buffer>>()
  return new Hono()
    .get('/docs', (c) => c.html(PAGE))
    .get('/docs/assets/init.js', (c) => c.body(INIT, 200, { 'content-type': 'text/javascript' }))
    .get('/docs/assets/:file', async (c) => {
      const file = c.req.param('file')
      const type = FILES[file]
      if (!type) return c.notFound()
      if (!cache.has(file)) cache.set(file, readFile(join(assets, file)))
      const body = await cache.get(file)!
      return c.body(new Uint8Array(body), 200, {
        'content-type': type,
        'cache-control': 'public, max-age=86400',
      })
    })
}
