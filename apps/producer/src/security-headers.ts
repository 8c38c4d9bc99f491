import type { Context, MiddlewareHandler } from 'hono'
import { setResponseHeader } from './node-http.js'

/**
 * The API answers JSON only: nothing in it may load, run or be framed. A browser that opens a
 * job's `data` (caller-supplied) as a page runs nothing from it.
 */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/**
 * The HTML pages (`/`, `/ui`, `/docs`, `/search`): scripts and styles from this server only, no plugin, no
 * framing. `style-src 'unsafe-inline'` because bull-board's loading screen and swagger-ui's
 * rendered spec carry inline `style` attributes; `img-src data:` for swagger-ui's icons. No script
 * runs inline (bull-board's `__UI_CONFIG__` is a JSON data block, not a script). Proved in
 * Chromium with no violation reported (tests/field/test/http-hardening.test.ts).
 */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** Headers every response carries, API and pages alike. */
const COMMON: [string, string][] = [
  ['X-Content-Type-Options', 'nosniff'],
  // frame-ancestors supersedes it; kept for browsers that predate CSP level 2.
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
]

/** Every security header of an API response (not a page). */
export const API_SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ...COMMON,
  ['Content-Security-Policy', API_CSP],
]

/** True for the paths that answer HTML pages and their assets. */
const isPage = (path: string) =>
  path === '/' ||
  path === '/ui' ||
  path.startsWith('/ui/') ||
  path.startsWith('/docs') ||
  path === '/search' ||
  path.startsWith('/search/')

/**
 * Security headers on every response: `X-Content-Type-Options: nosniff`, `X-Frame-Options:
 * DENY`, `Referrer-Policy: no-referrer` and a Content-Security-Policy (a strict one for the
 * API, one that bull-board and swagger-ui work under for the pages). No HSTS: TLS ends at the
 * proxy in front of the producer, which sets it.
 *
 * Set on Node's `ServerResponse` (see `setResponseHeader`), not through hono's `secureHeaders`:
 * that one writes `c.res.headers`, turning every response into a `Headers` object and taking it
 * off @hono/node-server's fast path (a second response header once cost 20 % of enqueue
 * throughput; this costs none measurable, see the README's figures).
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c: Context, next) => {
    for (const [name, value] of COMMON) setResponseHeader(c, name, value)
    setResponseHeader(c, 'Content-Security-Policy', isPage(c.req.path) ? PAGE_CSP : API_CSP)
    await next()
  }
}
