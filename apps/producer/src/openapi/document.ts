import type { OpenAPIHono } from '@hono/zod-openapi'

/**
 * The OpenAPI 3.1 document of every route mounted on `app`, generated from the schemas that
 * validate them (`createRoute` + `app.openapi`). With `bearer`, every operation requires a token.
 */
export function apiDocument(app: OpenAPIHono, version: string, bearer: boolean): object {
  if (bearer) {
    app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
      type: 'http',
      scheme: 'bearer',
    })
  }
  const document: object = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'jobq API',
      version,
      description:
        'Enqueue and inspect typed background jobs. Each job has its own request and result schema.',
    },
    ...(bearer && { security: [{ bearer: [] }] }),
  })
  return document
}
