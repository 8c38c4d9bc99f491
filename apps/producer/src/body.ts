import type { Context } from 'hono'
import { BadRequestError } from './errors.js'

/** Reads a JSON body, insisting on `application/json` and valid JSON. */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new BadRequestError(415, 'unsupported-media-type', 'send the body as application/json')
  }
  const text = await c.req.text()
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new BadRequestError(400, 'malformed-json', 'the body is not valid JSON')
  }
}
