import { z, type OpenAPIHono } from '@hono/zod-openapi'

type OpenAPIRegistry = OpenAPIHono['openAPIRegistry']

/** Every JSON type: the `type` of a schema that constrains none (`z.unknown()`, `z.json()`). */
const ANY_TYPE = ['object', 'array', 'string', 'number', 'boolean', 'null']

/**
 * A job's own schema (its input or output), documented by zod's own JSON Schema converter; call
 * {@link registerJobSchema} with the same `name` too (a recursive schema refers to it).
 * Each job's schemas are written by whoever adds a job and may use anything zod has (recursive
 * `z.json()`, transforms, refinements): `@hono/zod-openapi`'s converter overflows the stack on a
 * recursive schema, so the job's schema carries zod's JSON Schema as its OpenAPI metadata (a
 * `type` there makes the converter take it as is). The schema returned validates exactly as
 * `schema` does; definitions zod puts under `$defs` become components named `<name>.<key>`.
 */
export function documentedJobSchema<T extends z.ZodType>(
  schema: T,
  io: 'input' | 'output',
  name: string,
  registry: OpenAPIRegistry,
): T {
  const json = jobJsonSchema(schema, io, name, registry)
  return schema.meta({ type: ANY_TYPE, ...json })
}

/** Registers `schema`'s JSON Schema as the component `name` (`demo.sleep.result`). */
export function registerJobSchema(
  schema: z.ZodType,
  io: 'input' | 'output',
  name: string,
  registry: OpenAPIRegistry,
): void {
  registry.registerComponent('schemas', name, jobJsonSchema(schema, io, name, registry))
}

function jobJsonSchema(
  schema: z.ZodType,
  io: 'input' | 'output',
  name: string,
  registry: OpenAPIRegistry,
): Record<string, unknown> {
  const {
    $schema: _dialect,
    $defs = {},
    ...root
  } = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io }) as Record<
    string,
    unknown
  > & { $defs?: Record<string, unknown> }
  // In an OpenAPI document `#/...` resolves from the document root: `$defs` move to components.
  // `#` (a recursive schema's root, e.g. `z.json()`) is the component `name` itself.
  const rewrite = (value: unknown) =>
    JSON.parse(
      JSON.stringify(value)
        .replace(/"#\/\$defs\/([^"]+)"/g, (_, key: string) =>
          JSON.stringify(`#/components/schemas/${name}.${key}`),
        )
        .replace(/"\$ref":"#"/g, `"$ref":${JSON.stringify(`#/components/schemas/${name}`)}`),
    ) as Record<string, unknown>
  for (const [key, definition] of Object.entries($defs)) {
    registry.registerComponent('schemas', `${name}.${key}`, rewrite(definition))
  }
  return rewrite(root)
}
