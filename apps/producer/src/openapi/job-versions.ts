import { z, type OpenAPIHono } from '@hono/zod-openapi'
import type { AnyJobDefinition } from '@jobq/queue-core'
import { registerJobSchema } from './job-schema.js'

type OpenAPIRegistry = OpenAPIHono['openAPIRegistry']

/** Every JSON type: what `data` may be before the operation checks it against its version. */
const ANY_TYPE = ['object', 'array', 'string', 'number', 'boolean', 'null']

/**
 * The `data` of an enqueue of a job with versions (issue 16), documented as each version's input
 * (`anyOf` the components `<name>.input`, the current one, and `<name>.input.v<N>` for each older
 * one: a payload may fit more than one, so not `oneOf`). It is not parsed by the route: which
 * schema applies depends on `options.version`, so `jobs.enqueue` validates it against that
 * version's schema, naming the fields of a 400 as the route would. Undefined for a job without
 * versions, whose route parses `data` with its one schema as before.
 */
export function versionedDataSchema(
  definition: AnyJobDefinition,
  docs: OpenAPIRegistry,
): z.ZodType | undefined {
  const { name, version, olderVersions } = definition
  if (version === undefined || !olderVersions) return undefined
  const refs = [{ $ref: `#/components/schemas/${name}.input` }]
  for (const [older, { input }] of Object.entries(olderVersions).reverse()) {
    registerJobSchema(input, 'input', `${name}.input.v${older}`, docs)
    refs.push({ $ref: `#/components/schemas/${name}.input.v${older}` })
  }
  const older = Object.keys(olderVersions).map((v) => `\`${name}.input.v${v}\``)
  return z.unknown().meta({
    type: ANY_TYPE,
    anyOf: refs,
    description:
      `the job's input in the version \`options.version\` names: version ${version} (current, ` +
      `\`${name}.input\`) or an older one (${older.join(', ')}), which the worker upcasts`,
  })
}
