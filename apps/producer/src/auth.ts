import { hash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { requestHeader } from './node-http.js'
import { problem } from './problem.js'

// One-shot `hash` costs half of a `createHash` object per request.
const digest = (token: string) => hash('sha256', token, 'buffer')

/**
 * Bearer auth over a set of tokens. Tokens are compared as SHA-256 digests with
 * `timingSafeEqual`, against every token, so neither a token's content nor its length nor its
 * position in the list shows in the response time. Answers 401 problem+json otherwise.
 */
export function bearerAuth(tokens: readonly string[]): MiddlewareHandler {
  const known = tokens.map(digest)
  return async (c, next) => {
    const match = /^Bearer +(\S+)$/i.exec(requestHeader(c, 'authorization') ?? '')
    const refuse = (kind: string, detail: string) => {
      c.header('WWW-Authenticate', 'Bearer realm="jobq"')
      return problem(c, 401, kind, detail)
    }
    if (!match) return refuse('missing-token', 'send Authorization: Bearer <token>')
    const given = digest(match[1]!)
    let ok = false
    for (const token of known) ok = timingSafeEqual(token, given) || ok
    if (!ok) return refuse('invalid-token', 'the bearer token is not valid')
    await next()
  }
}
