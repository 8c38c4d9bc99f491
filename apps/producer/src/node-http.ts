import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Context } from 'hono'

/** What @hono/node-server passes as `c.env`: the raw Node request and response. */
interface NodeBindings {
  incoming?: IncomingMessage
  outgoing?: ServerResponse
}

const bindingsOf = (c: Context) => (c.env ?? {}) as NodeBindings

/**
 * A request header, read from Node's own parsed headers when served by @hono/node-server.
 * `c.req.header()` builds a WHATWG `Headers` of every header on first use, the largest single
 * cost of a small enqueue request (measured in bench/); `app.request()` in tests has no Node
 * request and takes that path.
 */
export function requestHeader(c: Context, name: Lowercase<string>): string | undefined {
  const incoming = bindingsOf(c).incoming
  if (!incoming) return c.req.header(name)
  const value = incoming.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * Sets a header on whatever response the route answers. On Node it goes straight onto the
 * `ServerResponse` (merged into `writeHead`), so the route's response keeps its plain header
 * object and node-server's fast path; `c.header()` would turn every response into `Headers`.
 */
export function setResponseHeader(c: Context, name: string, value: string): void {
  const outgoing = bindingsOf(c).outgoing
  if (outgoing) outgoing.setHeader(name, value)
  else c.header(name, value)
}

/**
 * Makes `c.req.header(name)` read Node's parsed headers, for code that is not ours and asks
 * (`@hono/zod-openapi`'s media-type gate, hono's validator): the first read through hono would
 * build a WHATWG `Headers` of every header, the cost {@link requestHeader} avoids. Reading all
 * headers (`c.req.header()`) still goes through hono. No-op under `app.request()`.
 */
export function nodeHeaderReads(c: Context): void {
  if (!bindingsOf(c).incoming) return
  const all = c.req.header.bind(c.req)
  c.req.header = ((name?: string) =>
    name === undefined
      ? all()
      : requestHeader(c, name.toLowerCase() as Lowercase<string>)) as typeof c.req.header
}
