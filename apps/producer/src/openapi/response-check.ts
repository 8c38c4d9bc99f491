import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import type { z } from 'zod'

/** A response that its route's documentation does not describe, in words. */
export type ResponseMismatch = string

interface Documented {
  method: string
  pattern: RegExp
  params: number
  responses: RouteConfig['responses']
}

/**
 * Checks every response of a documented route against the route's documentation: its status
 * must be documented, its content type too, and a JSON body must parse with the documented
 * schema of that status. Each mismatch is passed to `onMismatch` (the test harness fails the test
 * with it). For tests: it reads every JSON body twice. Call after every route is mounted.
 */
export function responseCheck(
  app: OpenAPIHono,
  onMismatch: (mismatch: ResponseMismatch) => void,
): MiddlewareHandler {
  let routes: Documented[] | undefined
  return async (c, next) => {
    await next()
    routes ??= documentedRoutes(app)
    const route = routes.find((r) => r.method === c.req.method && r.pattern.test(c.req.path))
    if (!route) return
    const mismatch = await check(route, c.res.clone())
    if (mismatch) onMismatch(`${c.req.method} ${c.req.path} → ${c.res.status}: ${mismatch}`)
  }
}

async function check(route: Documented, res: Response): Promise<string | undefined> {
  const documented = route.responses[res.status]
  if (!documented || '$ref' in documented) return 'status not documented'
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim()
  if (!documented.content) return type ? `content ${type} not documented` : undefined
  const media = documented.content[type]
  if (!media) return `content type "${type}" not documented`
  const schema = ('schema' in media ? media.schema : undefined) as z.ZodType | undefined
  if (!type.endsWith('json') || !schema || typeof schema.safeParse !== 'function') return undefined
  const parsed = schema.safeParse(await res.json())
  if (parsed.success) return undefined
  return parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
}

/** Every documented route, literal paths before ones with parameters (`/v1/queues/pause` first). */
function documentedRoutes(app: OpenAPIHono): Documented[] {
  return app.openAPIRegistry.definitions
    .flatMap((d) => (d.type === 'route' ? [d.route] : []))
    .map((route) => ({
      method: route.method.toUpperCase(),
      pattern: new RegExp(`^${route.path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      params: (route.path.match(/\{/g) ?? []).length,
      responses: route.responses,
    }))
    .sort((a, b) => a.params - b.params)
}
