import type { RequestListener } from 'node:http'
import { OpenAPIHono } from '@hono/zod-openapi'
import { getRequestListener } from '@hono/node-server'
import { trimTrailingSlash } from 'hono/trailing-slash'
import type { MiddlewareHandler } from 'hono'
import type { Logger, Operations } from '@jobq/queue-core'
import type { AppRegistry } from '@jobq/jobs'
import pkg from '../package.json' with { type: 'json' }
import { auditTrail } from './access/audit.js'
import { dashboardAccess } from './access/dashboard-access.js'
import { guard, queueLookup, refusalOf } from './access/guard.js'
import { lookupOf } from './access/lookup.js'
import { bareToken, type ApiToken } from './access/scopes.js'
import { everyQueue } from './access/target.js'
import { bearerAuth, tokenCheck } from './auth.js'
import { bodyLimit } from './body-limit.js'
import { dashboard } from './dashboard.js'
import { docsPage } from './docs-page.js'
import { handleError } from './errors.js'
import { withFastLane } from './fast-lane.js'
import { homePage } from './home-page.js'
import { searchPage } from './search-page.js'
import { createMetrics } from './metrics.js'
import { apiDocument } from './openapi/document.js'
import { responseCheck, type ResponseMismatch } from './openapi/response-check.js'
import { validationHook } from './openapi/validation-hook.js'
import { problem } from './problem.js'
import { requestId } from './request-id.js'
import { securityHeaders } from './security-headers.js'
import { auditRoutes } from './routes/audit.js'
import { enqueueRoutes } from './routes/enqueue.js'
import { healthRoutes } from './routes/health.js'
import { groupRoutes } from './routes/groups.js'
import { jobRoutes } from './routes/jobs.js'
import { jobLogRoutes } from './routes/job-logs.js'
import { searchRoutes } from './routes/search.js'
import { actionRoutes } from './routes/actions.js'
import { deadLetterRoutes } from './routes/dead-letters.js'
import { queueRoutes } from './routes/queues.js'
import { registryRoutes } from './routes/registry.js'
import { workerRoutes } from './routes/workers.js'

/** What the app needs; `main.ts` builds them from the environment, tests from a test Redis. */
export interface AppDeps {
  producer: Operations
  registry: AppRegistry
  logger: Logger
  /** @defaultValue 1 MiB ({@link DEFAULT_BODY_LIMIT}) */
  bodyLimitBytes?: number
  /** @defaultValue 10000 */
  bulkMax?: number
  /**
   * API tokens (`JOBQ_API_TOKENS`): each with its name and scopes, or a bare secret (every
   * scope, named `token-<n>`); empty = no auth.
   */
  apiTokens?: readonly (ApiToken | string)[]
  /**
   * Tests: check every response of a documented route against its documented schema, and pass
   * each mismatch here. Off (the default) in production: it reads every body twice.
   */
  checkResponses?: (mismatch: ResponseMismatch) => void
  /**
   * hono's OpenTelemetry middleware (`@hono/otel`), when tracing is on: each request gets an
   * HTTP span, and every request goes through the app (the fast lane starts no span).
   */
  tracing?: MiddlewareHandler
}

const DEFAULT_BODY_LIMIT = 1024 * 1024

/** Paths behind auth when tokens are configured; health and docs stay open. */
const PROTECTED = ['/v1/*', '/ui', '/ui/*', '/metrics']

/** Builds the HTTP API. Listening is `main.ts`'s job, so tests call `app.request()` directly. */
export function createApp(deps: AppDeps) {
  return buildApp(deps).app
}

/**
 * The HTTP API as Node serves it: `listener` (for `http.createServer`) is the app behind the
 * enqueue's fast lane (`fast-lane.ts`); `app` is the same app, for `app.request()`. `hostname`
 * names requests that come without a `Host` header.
 */
export function createHttp(
  deps: AppDeps,
  hostname?: string,
): { app: OpenAPIHono; listener: RequestListener } {
  const { app, actions, metrics, tokens } = buildApp(deps)
  const lane = {
    actions,
    authorize: tokens.length ? enqueueCheck(tokens) : undefined,
    bodyLimitBytes: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    metrics,
    logger: deps.logger,
  }
  const appListener = getRequestListener(app.fetch, { hostname })
  // Traced, every request takes the app: one place starts the HTTP span. Untraced, the lane.
  return { app, listener: deps.tracing ? appListener : withFastLane(lane, appListener) }
}

function buildApp(deps: AppDeps) {
  const { producer, registry, logger, bodyLimitBytes = DEFAULT_BODY_LIMIT, bulkMax = 10_000 } = deps
  const app = new OpenAPIHono({ defaultHook: validationHook })
  const metrics = createMetrics(producer)
  const tokens = (deps.apiTokens ?? []).map((t, i) =>
    typeof t === 'string' ? bareToken(t, i + 1) : t,
  )
  const bearer = tokens.length > 0

  // First, so the HTTP span covers the whole request, refusals included.
  if (deps.tracing) app.use(deps.tracing)
  app.use(requestId())
  app.use(securityHeaders())
  if (deps.checkResponses) app.use(responseCheck(app, deps.checkResponses))
  // `/ui/`, `/docs/`, `/ui/queue/default/`: the page without the slash (only when 404 with it).
  app.use('/ui/*', trimTrailingSlash())
  app.use('/docs/*', trimTrailingSlash())
  app.use(metrics.middleware)
  if (bearer) {
    const auth = bearerAuth(tokens)
    for (const path of PROTECTED) app.use(path, auth)
  }
  const access = [queueLookup(lookupOf(producer, registry)), auditTrail(producer, logger)]
  for (const path of PROTECTED) app.use(path, ...access)
  app.use('/ui', dashboardAccess())
  app.use('/ui/*', dashboardAccess())
  app.use('/v1/*', bodyLimit(bodyLimitBytes))

  app.route('/', healthRoutes(producer))
  const enqueue = enqueueRoutes({ producer, registry, bulkMax, onEnqueued: metrics.enqueued })
  app.route('/', enqueue.app)
  // Before jobRoutes: `POST /v1/jobs/actions/retry` is not `POST /v1/jobs/{id}/retry`.
  app.route('/', actionRoutes(producer))
  app.route('/', deadLetterRoutes(producer))
  app.route('/', jobRoutes(producer))
  app.route('/', jobLogRoutes(producer))
  app.route('/', searchRoutes(producer))
  app.route('/', queueRoutes(producer))
  app.route('/', groupRoutes(producer))
  app.route('/', registryRoutes(registry))
  app.route('/', workerRoutes(producer))
  app.route('/', auditRoutes(producer))
  app.route('/ui', dashboard(producer))
  app.route('/', docsPage())
  app.route('/', searchPage())
  app.route('/', homePage(pkg.version))

  const document = apiDocument(app, pkg.version, bearer)
  app.get('/openapi.json', (c) => c.json(document))
  app.get('/metrics', guard('read', everyQueue), async (c) =>
    c.body(await metrics.render(), 200, { 'content-type': metrics.registry.contentType }),
  )

  app.notFound((c) => problem(c, 404, 'no-route', `no route for ${c.req.method} ${c.req.path}`))
  app.onError(handleError(logger))
  return { app, actions: enqueue.actions, metrics, tokens }
}

/** The fast lane's check: a token that may enqueue on the job's queue (`access/guard.ts`). */
function enqueueCheck(tokens: readonly ApiToken[]) {
  const check = tokenCheck(tokens)
  return (authorization: string | undefined, queue: string) => {
    const token = check(authorization)
    return typeof token === 'object' && !refusalOf(token, 'enqueue', queue)
  }
}
