import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { problem } from './problem.js'

const digest = (token: string) => createHash('sha256').update(token).digest()

/**
 * Bearer auth over a set of tokens. Tokens are compared as SHA-256 digests with
 * `timingSafeEqual`, against every token, so neither a token's content nor its length nor its
 * position in the list shows in the response time. Answers 401 problem+json otherwise.
 */
export function bearerAuth(tokens: readonly string[]): MiddlewareHandler {
  const known = tokens.map(digest)
  return async (c, next) => {
    const match = /^Bearer +(\S+)$/i.exec(c.req.header('authorization') ?? '')
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
