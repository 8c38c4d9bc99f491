import type { Hook, OpenAPIHono, RouteConfig } from '@hono/zod-openapi'
import type { Context, Env } from 'hono'

/**
 * Mounts `handler` on `route` (validated and documented by `app.openapi`). Handlers answer with
 * plain `c.json(...)`: that an answer matches the route's documented schema for its status is
 * checked on every response of the route tests (`checkResponses`), not by hono's handler types,
 * which would need each route's responses spelled out as literal types at every call.
 */
export function mount(
  app: OpenAPIHono,
  route: RouteConfig,
  handler: (c: Context) => Response | Promise<Response>,
  hook?: Hook<unknown, Env, string, unknown>,
): void {
  app.openapi(route, handler as never, hook as never)
}
