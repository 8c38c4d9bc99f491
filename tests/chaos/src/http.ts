import { request } from 'node:http'

/** An answer: status 0 means no answer at all (refused, reset, timed out), with `error` saying why. */
export interface Answer {
  status: number
  body: unknown
  error?: string
}

/**
 * One HTTP request on a fresh connection (no keep-alive: the producer restarts under our feet,
 * and a pooled socket it closed would fail a request that was never sent). Never throws.
 */
export function call(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs = 10_000,
): Promise<Answer> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = request(
      `${base}${path}`,
      {
        method,
        agent: false,
        timeout: timeoutMs,
        headers: payload
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
          : {},
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parse(text) }))
        res.on('error', (err) => resolve({ status: 0, body: null, error: err.message }))
      },
    )
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)))
    req.on('error', (err) => resolve({ status: 0, body: null, error: err.message }))
    req.end(payload)
  })
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
