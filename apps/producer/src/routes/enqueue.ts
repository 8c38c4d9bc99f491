import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { UnknownJobError, type AnyJobDefinition, type Operations } from '@jobq/queue-core'
import * as contracts from '@jobq/queue-core/contracts'
import type { AppRegistry } from '@jobq/jobs'
import { guard } from '../access/guard.js'
import { readJson } from '../body.js'
import { BadRequestError } from '../errors.js'
import { setResponseHeader } from '../node-http.js'
import { scope } from '../access/scopes.js'
import { documentedJobSchema, registerJobSchema } from '../openapi/job-schema.js'
import { versionedDataSchema } from '../openapi/job-versions.js'
import { commonErrors, jsonBody, jsonResponse, problemResponse } from '../openapi/responses.js'
import { validationError, validationHook } from '../openapi/validation-hook.js'

/** Options of {@link enqueueRoutes}. */
export interface EnqueueRoutesOptions {
  producer: Operations
  registry: AppRegistry
  /** Most items one bulk request may carry. */
  bulkMax: number
  /** Counts what was enqueued (metrics). */
  onEnqueued?: (job: string, queue: string, count: number) => void
}

/**
 * What one job's single enqueue does with a parsed body. The route and the enqueue's fast lane
 * (`fast-lane.ts`) both run it, so they parse and answer alike.
 */
export interface EnqueueAction {
  /** The job's queue (what a queue-limited token is checked against). */
  queue: string
  /**
   * Parses a body with the route's schema (`EnqueueRequest` with the job's input schema as
   * `data`, the one the document shows).
   */
  parse: (body: unknown) => z.ZodSafeParseResult<EnqueueBody>
  /** Enqueues a parsed body, and says how to answer. */
  run: (body: EnqueueBody) => Promise<EnqueueAnswer>
}

/** How an enqueue is answered: besides the job, its status and headers. */
interface EnqueueAnswer {
  /** 202 for a new job, 200 for the job an idempotency key made before. */
  status: 200 | 202
  job: contracts.EnqueuedJob
  /** `Location` of the job, and `Jobq-Warning` when no live worker runs its version. */
  headers: Record<string, string>
}

/**
 * `POST /v1/jobs/<name>` and `/bulk` for each registry job, each validated and documented by the
 * job's own input schema; any other name answers 404 before the body is read. Also answers each
 * job's {@link EnqueueAction}, by name.
 */
export function enqueueRoutes(options: EnqueueRoutesOptions) {
  const { producer, registry, bulkMax, onEnqueued } = options
  const app = new OpenAPIHono({ defaultHook: validationHook })
  const actions = new Map<string, EnqueueAction>()

  for (const definition of registry.all()) {
    const { name, queue } = definition
    const { single, bulk } = enqueueRoutesOf(definition, app, bulkMax)
    const schema = single.request.body.content['application/json'].schema
    // A job with versions: `data` is checked against the version its options name (versions.ts).
    const versioned = definition.version !== undefined
    const action: EnqueueAction = {
      queue,
      parse: (body) => schema.safeParse(body),
      run: async (body) => {
        const job = versioned
          ? await producer.jobs.enqueue(name, body.data, body.options)
          : await producer.jobs.enqueueParsed(name, body)
        if (job.created) onEnqueued?.(name, job.queue, 1)
        const headers: Record<string, string> = { Location: `/v1/jobs/${job.id}` }
        if (job.warning) headers[WARNING_HEADER] = job.warning
        return { status: job.created ? 202 : 200, job, headers }
      },
    }
    actions.set(name, action)
    mountEnqueue(app, single, action)
    mountBulk(app, bulk, bulkMax, queue, async (c, items) => {
      const enqueued = await producer.jobs.enqueueBulk(name, items)
      const made = enqueued.created.reduce((n, created) => (created ? n + 1 : n), 0)
      if (made) onEnqueued?.(name, queue, made)
      if (enqueued.warning) setResponseHeader(c, WARNING_HEADER, enqueued.warning)
      return c.json(enqueued, 202)
    })
  }

  // Any other name: 404, before the body is even read.
  app.post('/v1/jobs/:name', (c) => {
    throw new UnknownJobError(c.req.param('name'))
  })
  app.post('/v1/jobs/:name/bulk', (c) => {
    throw new UnknownJobError(c.req.param('name'))
  })
  return { app, actions }
}

/** The two routes of one job, their bodies typed by its input schema. */
function enqueueRoutesOf(definition: AnyJobDefinition, app: OpenAPIHono, bulkMax: number) {
  const { name } = definition
  const docs = app.openAPIRegistry
  const data =
    versionedDataSchema(definition, docs) ??
    documentedJobSchema(definition.input, 'input', `${name}.input`, docs)
  registerJobSchema(definition.input, 'input', `${name}.input`, docs)
  registerJobSchema(definition.output, 'output', `${name}.result`, docs)
  const request = contracts.EnqueueRequest.extend({ data })
  const single = createRoute({
    method: 'post',
    path: `/v1/jobs/${name}`,
    ...scope('enqueue'),
    tags: [definition.queue],
    summary: `Enqueue ${name}`,
    description:
      `${definition.description ?? name}. Queue \`${definition.queue}\`. The finished job's ` +
      `\`result\` follows the \`${name}.result\` schema.`,
    request: { body: jsonBody(request) },
    responses: {
      202: jsonResponse(
        'a job was made: outcome `created`, or `replaced` (a debounced job that removed the ' +
          'pending job `replacedId`)',
        contracts.EnqueuedJob,
        warningHeader,
      ),
      200: jsonResponse(
        'no job was made (created: false), the answer is the job that stands for this one, ' +
          'with `Location`: outcome `duplicated` (this idempotency key, jobId, made it within ' +
          'its window; state "removed" if it no longer exists) or `deduplicated` (the job ' +
          'declares dedupe and that job holds its key)',
        contracts.EnqueuedJob,
      ),
      ...commonErrors,
      409: problemResponse(
        'no live worker can run the payload version and `options.requireWorker` was true: ' +
          '`/problems/no-worker`, nothing enqueued',
      ),
      413: problemResponse('the body is over the size limit'),
      415: problemResponse('the body is not application/json'),
    },
  })
  const bulk = createRoute({
    method: 'post',
    path: `/v1/jobs/${name}/bulk`,
    ...scope('enqueue'),
    tags: [definition.queue],
    summary: `Enqueue many ${name} (all or nothing)`,
    description: `At most ${bulkMax} items (or \`count\`) per request.`,
    request: {
      body: jsonBody(
        z.union([
          z.strictObject({ items: z.array(request) }),
          contracts.BulkRequest.options[1].extend({ data }),
        ]),
      ),
    },
    responses: {
      202: jsonResponse(
        'every item enqueued, or answered with the job its idempotency key made before, or ' +
          'the job holding its dedupe key (created[i] false; outcomes[i] says which)',
        contracts.BulkEnqueued,
        warningHeader,
      ),
      ...commonErrors,
      409: problemResponse(
        'no live worker can run the payload version and `options.requireWorker` was true: ' +
          '`/problems/no-worker`, nothing enqueued',
      ),
      413: problemResponse(`more than ${bulkMax} items, or the body is too large`),
      415: problemResponse('the body is not application/json'),
    },
  })
  return { single, bulk }
}

/**
 * Sent when no live worker can run the payload version enqueued (the body's `warning` says the
 * same): the job was enqueued and waits for such a worker. `options.requireWorker` turns it into
 * a 409 `no-worker`.
 */
const WARNING_HEADER = 'Jobq-Warning'
const warningHeader = {
  [WARNING_HEADER]: {
    description:
      'no live worker can run the payload version enqueued: the job waits until one starts ' +
      '(`options.requireWorker: true` answers 409 instead)',
    schema: { type: 'string' as const },
  },
}

/** A single enqueue's body, parsed. */
type EnqueueBody = z.output<typeof contracts.EnqueueRequest>

/**
 * Mounts the single enqueue, the hot path, validated by its route's own body schema without the
 * per-route validator chain `app.openapi` builds (a media-type gate, an async validator, a hook
 * call per request: three more middleware steps and their promises on every enqueue). The route
 * is documented as any other, and the schema its document shows is the one parsed here.
 */
function mountEnqueue(
  app: OpenAPIHono,
  route: ReturnType<typeof enqueueRoutesOf>['single'],
  { queue, parse, run }: EnqueueAction,
) {
  app.openAPIRegistry.registerPath(route)
  app.post(
    route.path,
    guard('enqueue', async () => queue),
    async (c) => {
      const parsed = parse(await readJson(c))
      if (!parsed.success) throw validationError(parsed.error, 'json', invalidInput(route))
      // Parsed once, here, by the job's own schema: the operation takes it as it is.
      const { status, job, headers } = await run(parsed.data)
      // Set on the Node response: a second header here would make hono build a `Headers` object.
      for (const name in headers) setResponseHeader(c, name, headers[name]!)
      return c.json(job, status)
    },
  )
}

/** `{ count, data }` is `count` copies of one item. */
function bulkItems(body: z.output<typeof contracts.BulkRequest>) {
  if ('items' in body) return body.items
  const item = { data: body.data, options: body.options }
  return Array.from({ length: body.count }, () => item)
}

/**
 * Mounts the bulk enqueue. Its document shows the whole body schema (each item's `data` by the
 * job's input schema); the request is checked in the same two parts, once each: more than
 * `bulkMax` items answer 413 before anything is parsed, the envelope is parsed with
 * `BulkRequest` here, and every item's `data` and `options` by `jobs.enqueueBulk` (the job's own
 * schema, all issues named `items.N.data…`, nothing enqueued on any). Parsing 10,000 items
 * through the whole union schema instead cost about a tenth of the bulk throughput.
 */
function mountBulk(
  app: OpenAPIHono,
  route: ReturnType<typeof enqueueRoutesOf>['bulk'],
  bulkMax: number,
  queue: string,
  handler: (c: Context, items: z.output<typeof contracts.BulkItem>[]) => Promise<Response>,
) {
  app.openAPIRegistry.registerPath(route)
  const job = route.path.split('/')[3]!
  app.post(
    route.path,
    guard('enqueue', async () => queue),
    async (c) => {
      const body = await readJson(c)
      const count = isObject(body) && Array.isArray(body.items) ? body.items.length : countOf(body)
      if (count > bulkMax) {
        throw new BadRequestError(413, 'too-many-items', `at most ${bulkMax} items per request`)
      }
      const parsed = contracts.BulkRequest.safeParse(body)
      if (!parsed.success) throw bulkValidationError(parsed.error, body, job)
      return handler(c, bulkItems(parsed.data))
    },
  )
}

const countOf = (body: unknown) => (isObject(body) && 'count' in body ? Number(body.count) : 0)

/**
 * The bulk body is a union of its two forms. Names the issues of the form the body took
 * (`items`, else `count`; zod reports a union that no form nearly matched as one issue holding
 * each form's), and those of a `{ count, data }` body as item 0's (`items.0.data.ms`): it is
 * `count` copies of one item, named once, as they always were.
 */
function bulkValidationError(error: z.ZodError, body: unknown, job: string) {
  const form = isObject(body) && 'items' in body ? 0 : 1
  const issues = error.issues.flatMap((issue) =>
    issue.code === 'invalid_union' && !issue.path.length ? (issue.errors[form] ?? []) : [issue],
  )
  const named = issues.map((issue) => {
    const [head] = issue.path
    const copied = form === 1 && (head === 'data' || head === 'options')
    return copied ? { ...issue, path: ['items', 0, ...issue.path] } : issue
  })
  return validationError(new z.ZodError(named), 'json', `invalid input for job "${job}"`)
}

/** The detail of an enqueue's 400, as the producer words it. */
const invalidInput = (route: { path: string }) =>
  `invalid input for job "${route.path.split('/')[3]}"`

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null
