import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { Logger } from '@jobq/queue-core'
import { MAX_JSON_DEPTH, isJsonType, jsonDepth } from './body.js'
import { INTERNAL, problemAnswerOf, type ProblemAnswer } from './errors.js'
import type { ProducerMetrics } from './metrics.js'
import { PROBLEM_TYPE, problemJson } from './problem.js'
import { requestIdOf } from './request-id.js'
import type { EnqueueAction } from './routes/enqueue.js'
import { API_SECURITY_HEADERS } from './security-headers.js'

/** What the lane needs of the app it stands in front of. */
export interface FastLaneDeps {
  /** Each job's single enqueue, by name (`enqueueRoutes`). */
  actions: ReadonlyMap<string, EnqueueAction>
  /**
   * Whether `Authorization` names a token that may enqueue on `queue` (a refusal goes to the
   * app, which words the 401 or 403), or `undefined` when the API is open.
   */
  authorize: ((authorization: string | undefined, queue: string) => boolean) | undefined
  bodyLimitBytes: number
  metrics: Pick<ProducerMetrics, 'observe'>
  logger: Logger
}

const PREFIX = '/v1/jobs/'

/**
 * The enqueue's fast lane: a `POST /v1/jobs/<name>` that passes every check of the app (token,
 * declared length within the limit, JSON type, nesting, the job's schema) is enqueued and
 * answered here, on Node's request, without hono's router, context, middleware chain and
 * `Response` (about 40 % of a small enqueue's CPU, bench/RESULTS.md). Every other request, and
 * every refusal, goes to the hono app, with the body already read handed over as `rawBody`
 * (which @hono/node-server reads in place of the stream): the app stays the one place that
 * words a refusal, and the lane only answers what the app answers for an accepted job. Errors of
 * the enqueue itself (Redis away) are answered from the app's table (`problemAnswerOf`).
 * `test/fast-lane.redis.test.ts` sends the same requests through both and compares the answers.
 */
export function withFastLane(
  deps: FastLaneDeps,
  app: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>,
): RequestListener {
  return (req, res) => {
    const action = takes(deps, req)
    if (!action) return void app(req, res)
    readBody(req, (body) => {
      const parsed = parse(action, body)
      if (parsed === undefined) {
        ;(req as IncomingMessage & { rawBody?: Buffer }).rawBody = body
        return void app(req, res)
      }
      void enqueue(deps, req, res, action, parsed)
    })
  }
}

/** The action of a request the lane may serve, judged on its headers alone. */
function takes(deps: FastLaneDeps, req: IncomingMessage): EnqueueAction | undefined {
  const { method, url = '', headers } = req
  if (method !== 'POST' || !url.startsWith(PREFIX)) return undefined
  const action = deps.actions.get(url.slice(PREFIX.length))
  if (!action || !isJsonType(headers['content-type'])) return undefined
  if (deps.authorize && !deps.authorize(headers.authorization, action.queue)) return undefined
  // A chunked body goes through the app's streaming limit.
  const length = headers['content-length']
  if (length === undefined || headers['transfer-encoding'] !== undefined) return undefined
  return Number(length) <= deps.bodyLimitBytes ? action : undefined
}

/** The whole body; Node's parser stops at the declared length, which {@link takes} bounded. */
function readBody(req: IncomingMessage, then: (body: Buffer) => void): void {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => then(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)))
}

/** The body parsed by the job's schema, or `undefined` for anything the app must word. */
function parse(action: EnqueueAction, body: Buffer) {
  const text = body.toString()
  if (jsonDepth(text) > MAX_JSON_DEPTH) return undefined
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return undefined
  }
  const parsed = action.parse(json)
  return parsed.success ? parsed.data : undefined
}

async function enqueue(
  deps: FastLaneDeps,
  req: IncomingMessage,
  res: ServerResponse,
  action: EnqueueAction,
  body: Parameters<EnqueueAction['run']>[0],
) {
  const startedAtMs = performance.now()
  const requestId = requestIdOf(req.headers['x-request-id'] as string | undefined)
  let status: number
  try {
    const answer = await action.run(body)
    status = answer.status
    const headers = Object.assign(commonHeaders(requestId), answer.headers)
    send(res, status, headers, 'application/json', JSON.stringify(answer.job))
  } catch (err) {
    status = answerError(deps, req, res, err as Error, requestId)
  }
  deps.metrics.observe('POST', req.url!, status, startedAtMs)
}

/** Answers an error of the enqueue as the app's error handler does; returns the status. */
function answerError(
  deps: FastLaneDeps,
  req: IncomingMessage,
  res: ServerResponse,
  err: Error,
  requestId: string,
) {
  let answer: ProblemAnswer | undefined = problemAnswerOf(err)
  if (!answer) {
    deps.logger.error({ err, requestId, path: req.url }, 'request failed')
    answer = INTERNAL
  }
  const { status, type, detail, issues, retryAfterSeconds } = answer
  const headers = commonHeaders(requestId)
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds)
  send(res, status, headers, PROBLEM_TYPE, problemJson(status, type, detail, requestId, issues))
  return status
}

/** Writes a whole answer; with its length declared, as the app's answers are (not chunked). */
function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  type: string,
  body: string,
) {
  headers['Content-Type'] = type
  headers['Content-Length'] = String(Buffer.byteLength(body))
  res.writeHead(status, headers)
  res.end(body)
}

/** The headers of every answer of the lane, as the app's middleware sets them. */
function commonHeaders(requestId: string): Record<string, string> {
  const headers: Record<string, string> = { 'X-Request-Id': requestId }
  for (const [name, value] of API_SECURITY_HEADERS) headers[name] = value
  return headers
}
