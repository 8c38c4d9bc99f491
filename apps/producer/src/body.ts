import type { Context, MiddlewareHandler } from 'hono'
import { BadRequestError } from './errors.js'
import { nodeHeaderReads, requestHeader } from './node-http.js'

/**
 * Deepest nesting of arrays and objects a body may have. Validating and storing JSON recurses,
 * and a body like `[[[[…]]]]` thousands deep overflowed the stack there (a 500); no job payload
 * needs more than a few dozen levels.
 */
export const MAX_JSON_DEPTH = 64

/** Reads a JSON body, insisting on `application/json`, valid JSON and bounded nesting. */
export async function readJson(c: Context): Promise<unknown> {
  if (!isJsonType(requestHeader(c, 'content-type'))) {
    throw new BadRequestError(415, 'unsupported-media-type', 'send the body as application/json')
  }
  const text = await c.req.text()
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new BadRequestError(
      400,
      'too-deep',
      `the body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`,
    )
  }
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new BadRequestError(400, 'malformed-json', 'the body is not valid JSON')
  }
}

/** True for a `Content-Type` of JSON (`application/json`, parameters allowed). */
export const isJsonType = (type = ''): boolean => /^application\/json\s*(;|$)/i.test(type)

/**
 * Route middleware in front of a route's schema validation: reads the body with
 * {@link readJson} (415, malformed, too deep: refused before any schema runs) and hands the
 * parsed value to whatever asks for `c.req.json()` next (the validator, the handler), so the
 * body is parsed once. On Node, the validator's header reads go to Node's parsed headers
 * ({@link nodeHeaderReads}): the enqueue fast path keeps its plain header object.
 */
export function jsonBodyReader(): MiddlewareHandler {
  return async (c, next) => {
    const parsed = Promise.resolve(await readJson(c))
    c.req.json = (() => parsed) as typeof c.req.json
    nodeHeaderReads(c)
    await next()
  }
}

/**
 * {@link jsonBodyReader} for a route whose body may be left out: a request without a body (no
 * `content-type`, nothing declared) goes on to the route as one without a body.
 */
export function optionalJsonBodyReader(): MiddlewareHandler {
  const read = jsonBodyReader()
  return async (c, next) => {
    const declared = requestHeader(c, 'content-type') ?? requestHeader(c, 'transfer-encoding')
    const length = Number(requestHeader(c, 'content-length') ?? 0)
    if (declared === undefined && length === 0) return next()
    return read(c, next)
  }
}

/** The deepest bracket nesting of a JSON text, brackets inside strings ignored; one pass. */
export function jsonDepth(text: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 0x5c)
        i++ // backslash: skip the escaped character
      else if (ch === 0x22) inString = false
    } else if (ch === 0x22) inString = true
    else if (ch === 0x5b || ch === 0x7b) max = Math.max(max, ++depth)
    else if (ch === 0x5d || ch === 0x7d) depth--
  }
  return max
}
