// Turns the OpenAPI document into the standalone JSON Schemas quicktype reads: one per job input
// and result, plus the enqueue options, each with every `$ref` resolved in place.
import type { JsonSchema, OpenApiDocument } from './openapi-source.js'

const COMPONENT = '#/components/schemas/'

/** One registry job as the document describes it. */
export interface JobSchemas {
  /** Registry name, e.g. `demo.big-file`. */
  name: string
  queue: string
  /** PascalCase stem of its model names, e.g. `DemoBigFile`. */
  typeStem: string
  /** Python attribute of its handle, e.g. `demo_big_file`. */
  attribute: string
  input: JsonSchema
  result: JsonSchema
}

/** Every job that has both `<name>.input` and `<name>.result` components, sorted by name. */
export function jobsOf(doc: OpenApiDocument): JobSchemas[] {
  const schemas = doc.components.schemas
  return Object.keys(schemas)
    .filter((key) => key.endsWith('.input') && `${key.slice(0, -6)}.result` in schemas)
    .map((key) => key.slice(0, -6))
    .sort()
    .map((name) => ({
      name,
      queue: doc.paths[`/v1/jobs/${name}`]?.post?.tags?.[0] ?? 'default',
      typeStem: name
        .split(/[^A-Za-z0-9]+/)
        .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
        .join(''),
      attribute: name.replace(/[^A-Za-z0-9]+/g, '_').toLowerCase(),
      input: standalone(doc, schemas[`${name}.input`]!),
      result: standalone(doc, schemas[`${name}.result`]!),
    }))
}

/** The `options` of an enqueue body (the same for every job), resolved. */
export function enqueueOptionsOf(doc: OpenApiDocument, job: string): JsonSchema {
  const body = doc.paths[`/v1/jobs/${job}`]?.post?.requestBody?.content['application/json']
  const options = (body?.schema.properties as Record<string, JsonSchema> | undefined)?.options
  if (!options) throw new Error(`POST /v1/jobs/${job} documents no options in its body`)
  return standalone(doc, options)
}

/**
 * Resolves refs and simplifies what Python cannot use. A recursive schema (zod's `z.json()`,
 * any JSON value) becomes `{}`, i.e. `Any`: quicktype's Python renderer overflows its stack on
 * recursive unions, and in Python a JSON value is just `Any`. `format: date-time` is dropped so
 * times stay ISO strings: quicktype would otherwise import `dateutil`, which is not stdlib.
 */
function standalone(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  if (refsOf(schema).has('#')) return {} // `#` points at the schema itself: recursive
  return resolve(doc, schema, []) as JsonSchema
}

function resolve(doc: OpenApiDocument, value: unknown, seen: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(doc, item, seen))
  if (!value || typeof value !== 'object') return value
  const node = value as JsonSchema
  if (typeof node.$ref === 'string') {
    const name = node.$ref.startsWith(COMPONENT) ? node.$ref.slice(COMPONENT.length) : undefined
    const target = name === undefined ? undefined : doc.components.schemas[name]
    if (!target || seen.includes(name!) || refsOf(target).has(node.$ref)) return {}
    return resolve(doc, target, [...seen, name!])
  }
  const entries = Object.entries(node).filter(
    ([key, v]) => !(key === 'format' && v === 'date-time'),
  )
  return Object.fromEntries(entries.map(([key, v]) => [key, resolve(doc, v, seen)]))
}

function refsOf(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) refsOf(item, found)
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') found.add(v)
      else refsOf(v, found)
    }
  }
  return found
}
