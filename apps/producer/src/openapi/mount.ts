import type { Hook, OpenAPIHono, RouteConfig } from '@hono/zod-openapi'
import type { Context, Env, MiddlewareHandler } from 'hono'
import { audited } from '../access/audit.js'
import { guard } from '../access/guard.js'
import type { Scope } from '../access/scopes.js'
import { targetOf } from '../access/target.js'
import { commonErrors } from './responses.js'

/**
 * A route that says which scope a token needs (`read`, `enqueue`, `admin`; README, "Access
 * scopes"). The key is an OpenAPI extension, so `/openapi.json` shows it on each operation; a
 * route without it does not type-check with {@link mount}.
 */
export type ScopedRoute = RouteConfig & { 'x-jobq-scope': Scope }

/**
 * Mounts `handler` on `route` (validated and documented by `app.openapi`), behind the guard of
 * its declared scope (`access/guard.ts`) and, for an `admin` action, the audit trail
 * (`access/audit.ts`: the entry is written after the answer, refusals included). Handlers
 * answer with plain `c.json(...)`: that an answer matches the route's documented schema for its
 * status is checked on every response of the route tests (`checkResponses`), not by hono's
 * handler types, which would need each route's responses spelled out as literal types at every
 * call.
 */
export function mount(
  app: OpenAPIHono,
  route: ScopedRoute,
  handler: (c: Context) => Response | Promise<Response>,
  hook?: Hook<unknown, Env, string, unknown>,
): void {
  const scope = route['x-jobq-scope']
  const access: MiddlewareHandler[] = [guard(scope, targetOf(route.path))]
  // `{method} {route}`: the name OpenTelemetry gives an HTTP server span. Reads of the trail
  // (GET /v1/audit) are not actions.
  if (scope === 'admin' && route.method !== 'get')
    access.unshift(audited(`${route.method.toUpperCase()} ${route.path}`))
  const own = route.middleware === undefined ? [] : [route.middleware].flat()
  const scoped = {
    ...route,
    responses: { 403: commonErrors[403], ...route.responses },
    middleware: [...access, ...own],
  }
  app.openapi(scoped, handler as never, hook as never)
}
