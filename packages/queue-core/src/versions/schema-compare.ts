/**
 * A small, focused comparer of two JSON Schemas as zod's `z.toJSONSchema` writes them: does the
 * new schema still accept every value the old one accepted? It answers the changes that break
 * that promise, each with the field it is at. Built for `jobq registry check` (issue 16): no
 * library in the npm registry did this and fitted (see the README). It understands what zod
 * emits for job payloads: `type` (one or a list), `properties`/`required`/`additionalProperties`,
 * `items`, `enum`/`const`, `anyOf`/`oneOf` (unions, nullable), string, number and array bounds,
 * and `$ref`s compared by name. Anything else it cannot prove the same is reported as a change,
 * never let through.
 */

/** A JSON Schema as zod writes it (a boolean schema: `true` accepts all, `false` none). */
export type JsonSchema = boolean | { [keyword: string]: unknown }

/** What kind of change breaks a reader or a queued job. */
export type BreakingKind =
  | 'removed-field'
  | 'newly-required-field'
  | 'narrowed-type'
  | 'removed-enum-value'
  | 'narrowed-bounds'
  | 'closed-object'

/** One change that breaks the promise, at `path` (`data.address.city`, `data.tags[]`). */
export interface SchemaBreak {
  kind: BreakingKind
  path: string
  detail: string
}

/** How the comparison reads the schemas. */
export interface CompareOptions {
  /**
   * Compare for readers of values (results) rather than writers: a field the older schema did not
   * list is welcome, not a removed one, and objects closed to extra fields do not count.
   */
  readers?: boolean
}

type Schema = { [keyword: string]: unknown }

/**
 * Every way `next` fails to accept what `prev` accepted, at `path`. Empty when `next` accepts at
 * least all of it (a new optional field, a widened type, a new enum value all pass).
 */
export function breakingChanges(
  prev: JsonSchema,
  next: JsonSchema,
  path = 'data',
  options: CompareOptions = {},
): SchemaBreak[] {
  const out: SchemaBreak[] = []
  compare(prev, next, path, options, out)
  return out
}

function compare(
  prev: JsonSchema,
  next: JsonSchema,
  path: string,
  o: CompareOptions,
  out: SchemaBreak[],
) {
  if (next === true || isEmpty(next)) return
  if (prev === false) return
  if (next === false)
    return void out.push({ kind: 'narrowed-type', path, detail: 'accepts nothing now' })
  const p = prev === true ? {} : prev
  if (branchesOf(p).length > 1 || branchesOf(next).length > 1)
    return compareUnion(p, next, path, o, out)
  if (typeof p.$ref === 'string' || typeof next.$ref === 'string') {
    if (p.$ref !== next.$ref)
      out.push({
        kind: 'narrowed-type',
        path,
        detail: `was ${refOf(p)}, now ${refOf(next)}`,
      })
    return
  }
  compareTypes(p, next, path, out)
  compareValues(p, next, path, out)
  compareBounds(p, next, path, out)
  compareObjects(p, next, path, o, out)
  if (p.items !== undefined || next.items !== undefined) {
    compare(
      (p.items as JsonSchema | undefined) ?? true,
      (next.items as JsonSchema | undefined) ?? true,
      `${path}[]`,
      o,
      out,
    )
  }
}

/** Each branch of `prev` must be accepted by one branch of `next` (unions, nullable). */
function compareUnion(
  prev: Schema,
  next: Schema,
  path: string,
  o: CompareOptions,
  out: SchemaBreak[],
) {
  const nextBranches = branchesOf(next)
  for (const branch of branchesOf(prev)) {
    const tries = nextBranches.map((candidate) => breakingChanges(branch, candidate, path, o))
    if (tries.some((found) => found.length === 0)) continue
    // Report the closest branch's changes: those are the ones the author made.
    out.push(...tries.reduce((a, b) => (b.length < a.length ? b : a)))
  }
}

function compareTypes(prev: Schema, next: Schema, path: string, out: SchemaBreak[]) {
  const was = typesOf(prev)
  const now = typesOf(next)
  if (!now) return
  const lost = (was ?? ['any']).filter(
    (t) => !now.includes(t) && !(t === 'integer' && now.includes('number')),
  )
  if (lost.length)
    out.push({
      kind: 'narrowed-type',
      path,
      detail: `no longer accepts ${lost.join(', ')} (now ${now.join(', ')})`,
    })
}

function compareValues(prev: Schema, next: Schema, path: string, out: SchemaBreak[]) {
  const allowed = valuesOf(next)
  if (!allowed) return
  const was = valuesOf(prev)
  if (!was)
    return void out.push({
      kind: 'narrowed-type',
      path,
      detail: `only ${allowed.map(show).join(', ')} now`,
    })
  const removed = was.filter((v) => !allowed.some((a) => same(a, v)))
  if (removed.length)
    out.push({
      kind: 'removed-enum-value',
      path,
      detail: `no longer accepts ${removed.map(show).join(', ')}`,
    })
}

/** Bounds where a larger value is stricter, and those where a smaller one is. */
const LOWER = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties']
const UPPER = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties']
const EXACT = ['pattern', 'format', 'multipleOf']

function compareBounds(prev: Schema, next: Schema, path: string, out: SchemaBreak[]) {
  for (const key of LOWER) {
    const now = next[key] as number | undefined
    const was = prev[key] as number | undefined
    if (now !== undefined && (was === undefined || now > was)) out.push(bound(path, key, was, now))
  }
  for (const key of UPPER) {
    const now = next[key] as number | undefined
    const was = prev[key] as number | undefined
    if (now !== undefined && (was === undefined || now < was)) out.push(bound(path, key, was, now))
  }
  for (const key of EXACT) {
    if (next[key] !== undefined && !same(next[key], prev[key]))
      out.push(bound(path, key, prev[key], next[key]))
  }
}

const bound = (path: string, key: string, was: unknown, now: unknown): SchemaBreak => ({
  kind: 'narrowed-bounds',
  path,
  detail: `${key} ${was === undefined ? 'added' : `was ${show(was)}`}, now ${show(now)}`,
})

function compareObjects(
  prev: Schema,
  next: Schema,
  path: string,
  o: CompareOptions,
  out: SchemaBreak[],
) {
  const was = (prev.properties ?? {}) as Record<string, JsonSchema>
  const now = (next.properties ?? {}) as Record<string, JsonSchema>
  const wasRequired = new Set((prev.required ?? []) as string[])
  for (const [field, schema] of Object.entries(was)) {
    const at = `${path}.${field}`
    if (field in now) compare(schema, now[field]!, at, o, out)
    else if (!o.readers) out.push({ kind: 'removed-field', path: at, detail: 'removed' })
  }
  for (const field of (next.required ?? []) as string[]) {
    if (!wasRequired.has(field)) {
      const detail = field in was ? 'was optional, now required' : 'new and required'
      out.push({ kind: 'newly-required-field', path: `${path}.${field}`, detail })
    }
  }
  const extra = next.additionalProperties
  if (extra === undefined || extra === true) return
  if (extra === false) {
    const wasObject = (typesOf(prev) ?? ['object']).includes('object')
    if (!o.readers && wasObject && prev.additionalProperties !== false) {
      out.push({ kind: 'closed-object', path, detail: 'no longer accepts fields it does not list' })
    }
    return
  }
  compare(
    (prev.additionalProperties as JsonSchema | undefined) ?? true,
    extra as JsonSchema,
    `${path}.*`,
    o,
    out,
  )
}

function branchesOf(schema: JsonSchema): JsonSchema[] {
  if (typeof schema === 'boolean') return [schema]
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined
  if (!union) return [schema]
  // Keywords beside the union (zod puts a description there) apply to each branch.
  const { anyOf: _a, oneOf: _o, description: _d, ...rest } = schema
  return union.flatMap((branch) =>
    branchesOf(typeof branch === 'boolean' || isEmpty(rest) ? branch : { ...rest, ...branch }),
  )
}

function typesOf(schema: Schema): string[] | undefined {
  if (Array.isArray(schema.type)) return schema.type as string[]
  if (typeof schema.type === 'string') return [schema.type]
  const values = valuesOf(schema)
  if (values) return [...new Set(values.map(jsonTypeOf))]
  return undefined
}

function valuesOf(schema: Schema): unknown[] | undefined {
  if ('const' in schema) return [schema.const]
  return Array.isArray(schema.enum) ? schema.enum : undefined
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

/** Keywords that only describe: a schema with nothing else accepts anything. */
const ANNOTATIONS = new Set([
  'description',
  'title',
  'default',
  'examples',
  '$schema',
  'id',
  'deprecated',
])

function isEmpty(schema: JsonSchema): boolean {
  return typeof schema === 'object' && Object.keys(schema).every((key) => ANNOTATIONS.has(key))
}

const refOf = (schema: Schema) => (typeof schema.$ref === 'string' ? schema.$ref : 'inline')
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
const show = (value: unknown) => JSON.stringify(value)
