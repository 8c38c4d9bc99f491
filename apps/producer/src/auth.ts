import { hash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { ApiToken } from './access/scopes.js'
import { requestHeader } from './node-http.js'
import { problem } from './problem.js'

// One-shot `hash` costs half of a `createHash` object per request.
const digest = (token: string) => hash('sha256', token, 'buffer')

/**
 * Bearer auth over a set of tokens. Tokens are compared as SHA-256 digests with
 * `timingSafeEqual`, against every token, so neither a token's content nor its length nor its
 * position in the list shows in the response time. Answers 401 problem+json otherwise; on a
 * match, the token is the request's `apiToken` (its scopes are checked by each route's guard,
 * `access/guard.ts`).
 */
export function bearerAuth(tokens: readonly ApiToken[]): MiddlewareHandler {
  const check = tokenCheck(tokens)
  return async (c, next) => {
    const verdict = check(requestHeader(c, 'authorization'))
    if (typeof verdict === 'object') {
      c.set('apiToken', verdict)
      return next()
    }
    c.header('WWW-Authenticate', 'Bearer realm="jobq"')
    return verdict === 'missing-token'
      ? problem(c, 401, verdict, 'send Authorization: Bearer <token>')
      : problem(c, 401, verdict, 'the bearer token is not valid')
  }
}

/** What {@link tokenCheck} finds in an `Authorization` header: the token, or why not. */
type Verdict = ApiToken | 'missing-token' | 'invalid-token'

/**
 * Judges an `Authorization` header against `tokens` (the rule of {@link bearerAuth}, which the
 * enqueue's fast lane applies too): the matching token, or why none matches.
 */
export function tokenCheck(tokens: readonly ApiToken[]): (authorization?: string) => Verdict {
  const known = tokens.map((token) => ({ token, digest: digest(token.secret) }))
  return (authorization = '') => {
    const match = /^Bearer +(\S+)$/i.exec(authorization)
    if (!match) return 'missing-token'
    const given = digest(match[1]!)
    let found: ApiToken | undefined
    // No early exit: every digest is compared, whichever matches.
    for (const { token, digest } of known) if (timingSafeEqual(digest, given)) found = token
    return found ?? 'invalid-token'
  }
}

declare module 'hono' {
  interface ContextVariableMap {
    /** The token the request authenticated with; unset when the API is open. */
    apiToken: ApiToken
  }
}
