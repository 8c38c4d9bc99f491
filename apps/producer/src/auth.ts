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
  const check = tokenCheck(tokens)
  return async (c, next) => {
    const verdict = check(requestHeader(c, 'authorization'))
    if (verdict === 'ok') return next()
    c.header('WWW-Authenticate', 'Bearer realm="jobq"')
    return verdict === 'missing-token'
      ? problem(c, 401, verdict, 'send Authorization: Bearer <token>')
      : problem(c, 401, verdict, 'the bearer token is not valid')
  }
}

/** What {@link tokenCheck} finds in an `Authorization` header. */
type Verdict = 'ok' | 'missing-token' | 'invalid-token'

/**
 * Judges an `Authorization` header against `tokens` (the rule of {@link bearerAuth}, which the
 * enqueue's fast lane applies too).
 */
export function tokenCheck(tokens: readonly string[]): (authorization?: string) => Verdict {
  const known = tokens.map(digest)
  return (authorization = '') => {
    const match = /^Bearer +(\S+)$/i.exec(authorization)
    if (!match) return 'missing-token'
    const given = digest(match[1]!)
    let ok = false
    for (const token of known) ok = timingSafeEqual(token, given) || ok
    return ok ? 'ok' : 'invalid-token'
  }
}
