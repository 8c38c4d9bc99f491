import type { Handler, Hono } from 'hono'
import { z } from 'zod'

/** A JSON body (or other content) a route takes or answers. */
interface Content {
  [contentType: string]: { schema: z.ZodType }
}

/** The OpenAPI description of one route, in terms of the zod schemas it enforces. */
export interface RouteDoc {
  method: 'get' | 'post' | 'delete'
  /** OpenAPI style: `/v1/jobs/{id}`. */
  path: string
  tags?: string[]
  summary: string
  description?: string
  request?: {
    params?: z.ZodObject
    query?: z.ZodObject
    body?: { required?: boolean; content: Content }
  }
  responses: Record<number, { description: string; content?: Content }>
}

/** Collects route descriptions and renders them as one OpenAPI 3.1 document. */
export class ApiDocs {
  private readonly routes: RouteDoc[] = []
  private readonly named = new Map<string, { schema: z.ZodType; io: 'input' | 'output' }>()
  private bearer = false

  add(route: RouteDoc): void {
    this.routes.push(route)
  }

  /** Adds a component schema by name (each job's input and result). */
  addSchema(name: string, schema: z.ZodType, io: 'input' | 'output'): void {
    this.named.set(name, { schema, io })
  }

  /** Declares bearer auth on every operation. */
  requireBearer(): void {
    this.bearer = true
  }

  /**
   * OpenAPI 3.1 uses JSON Schema 2020-12, which is what zod 4 emits natively: schemas named
   * with `.meta({ id })` become components, everything else (each job's own schemas) is inlined.
   */
  document(version: string): Record<string, unknown> {
    const hoisted = new Components()
    const paths: Record<string, Record<string, unknown>> = {}
    for (const route of this.routes) {
      paths[route.path] ??= {}
      paths[route.path]![route.method] = operation(route, hoisted)
    }
    const components = z.toJSONSchema(z.globalRegistry, { uri: componentUri, ...SCHEMA_OPTIONS })
    for (const [name, { schema, io }] of this.named) {
      hoisted.schemas[name] = hoisted.toSchema(schema, io)
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'jobq API',
        version,
        description:
          'Enqueue and inspect typed background jobs. Each job has its own request and result schema.',
      },
      paths,
      components: {
        schemas: { ...stripSchemaKeys(components.schemas), ...hoisted.schemas },
        ...(this.bearer && { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }),
      },
      ...(this.bearer && { security: [{ bearer: [] }] }),
    }
  }
}

/** Registers a route's description and mounts a plain Hono handler for it. */
export function documented(app: Hono, docs: ApiDocs, route: RouteDoc, handler: Handler): void {
  docs.add(route)
  app.on(route.method.toUpperCase(), route.path.replace(/\{([^}]+)\}/g, ':$1'), handler)
}

function operation(route: RouteDoc, hoisted: Components) {
  const { request } = route
  const parameters = [
    ...parametersOf(request?.params, 'path', hoisted),
    ...parametersOf(request?.query, 'query', hoisted),
  ]
  return {
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string = '') => c.toUpperCase())}`,
    summary: route.summary,
    ...(route.description && { description: route.description }),
    ...(route.tags && { tags: route.tags }),
    ...(parameters.length && { parameters }),
    ...(request?.body && {
      requestBody: {
        required: request.body.required ?? false,
        content: contentOf(request.body.content, 'input', hoisted),
      },
    }),
    responses: Object.fromEntries(
      Object.entries(route.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.content && { content: contentOf(response.content, 'output', hoisted) }),
        },
      ]),
    ),
  }
}

const SCHEMA_OPTIONS = { target: 'draft-2020-12', unrepresentable: 'any' } as const

const componentUri = (id: string) => `#/components/schemas/${id}`

/**
 * Definitions that zod puts under a schema's own `$defs` (named components, recursive parts such
 * as `z.json()`). In an OpenAPI document `#/...` refs resolve from the document root, so they
 * move to `components.schemas`: named ones are there already, the rest get unique names.
 */
class Components {
  readonly schemas: Record<string, unknown> = {}
  private count = 0

  toSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
    const {
      $schema: _dialect,
      $defs = {},
      ...root
    } = z.toJSONSchema(schema, {
      ...SCHEMA_OPTIONS,
      io,
      metadata: z.globalRegistry,
    }) as Record<string, unknown> & { $defs?: Record<string, unknown> }
    const names = new Map<string, string>()
    for (const key of Object.keys($defs)) {
      names.set(key, z.globalRegistry._idmap.has(key) ? key : `Inline${++this.count}`)
    }
    const rewrite = (value: unknown) =>
      JSON.parse(
        JSON.stringify(value).replace(/"#\/\$defs\/([^"]+)"/g, (_, key: string) =>
          JSON.stringify(componentUri(names.get(key) ?? key)),
        ),
      ) as unknown
    for (const [key, definition] of Object.entries($defs)) {
      const name = names.get(key)!
      if (name !== key) this.schemas[name] = rewrite(definition)
    }
    return rewrite(root)
  }
}

function contentOf(content: Content, io: 'input' | 'output', hoisted: Components) {
  return Object.fromEntries(
    Object.entries(content).map(([type, { schema }]) => [
      type,
      { schema: hoisted.toSchema(schema, io) },
    ]),
  )
}

function parametersOf(
  shape: z.ZodObject | undefined,
  where: 'path' | 'query',
  hoisted: Components,
) {
  return Object.entries(shape?.shape ?? {}).map(([name, schema]) => ({
    name,
    in: where,
    required: where === 'path' || !(schema as z.ZodType).safeParse(undefined).success,
    schema: hoisted.toSchema(schema as z.ZodType, 'input'),
  }))
}

function stripSchemaKeys(schemas: Record<string, Record<string, unknown>>) {
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, id: _id, ...rest }]) => [id, rest]),
  )
}
