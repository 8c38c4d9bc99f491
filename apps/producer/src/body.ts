import type { Context } from 'hono'
import { BadRequestError } from './errors.js'
import { requestHeader } from './node-http.js'

/**
 * Deepest nesting of arrays and objects a body may have. Validating and storing JSON recurses,
 * and a body like `[[[[…]]]]` thousands deep overflowed the stack there (a 500); no job payload
 * needs more than a few dozen levels.
 */
export const MAX_JSON_DEPTH = 64

/** Reads a JSON body, insisting on `application/json`, valid JSON and bounded nesting. */
export async function readJson(c: Context): Promise<unknown> {
  const type = requestHeader(c, 'content-type') ?? ''
  if (!/^application\/json\s*(;|$)/i.test(type)) {
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
