import { z } from 'zod'
import { Hono, type Context } from 'hono'
import type { Operations } from '@jobq/queue-core'
import { isValidJobId, UnknownJobError } from '@jobq/queue-core'
import type { AppRegistry } from '@jobq/jobs'
import { readJson } from '../body.js'
import { BadRequestError } from '../errors.js'
import { setResponseHeader } from '../node-http.js'
import { type ApiDocs, documented } from '../openapi/document.js'
import {
  BulkEnqueued,
  commonErrors,
  EnqueuedJob,
  EnqueueOptions,
  JobIdParam,
  JobView,
  jsonResponse,
  problemResponse,
} from '../openapi/schemas.js'
import { parseOrThrow } from '../validate.js'
import { streamJobEvents } from './job-events.js'

/** Options of {@link jobRoutes}. */
export interface JobRoutesOptions {
  producer: Operations
  registry: AppRegistry
  /** Most items one bulk request may carry. */
  bulkMax: number
  /** Counts what was enqueued (metrics). */
  onEnqueued?: (job: string, queue: string, count: number) => void
}

const envelope = z.strictObject({ data: z.unknown(), options: z.unknown().optional() })
const bulkEnvelope = z.union([
  z.strictObject({ items: z.array(envelope) }),
  z.strictObject({
    count: z.number().int().min(1),
    data: z.unknown(),
    options: z.unknown().optional(),
  }),
])

/**
 * Job routes. Each registry job gets its own documented POST routes, typed by its own input
 * schema; `/v1/jobs/:name` catches every other name with a 404.
 */
export function jobRoutes(docs: ApiDocs, options: JobRoutesOptions): Hono {
  const { producer, registry, bulkMax, onEnqueued } = options
  const app = new Hono()

  const enqueue = async (c: Context, name: string) => {
    const body = parseOrThrow(envelope, await readJson(c), 'body')
    const job = await producer.jobs.enqueue(name, body.data, body.options)
    if (job.created) onEnqueued?.(name, job.queue, 1)
    // Set on the Node response: a second header here would make hono build a `Headers` object.
    setResponseHeader(c, 'Location', `/v1/jobs/${job.id}`)
    return c.json(job, job.created ? 202 : 200)
  }

  const enqueueBulk = async (c: Context, name: string) => {
    const body = parseOrThrow(bulkEnvelope, await readJson(c), 'body')
    const count = 'items' in body ? body.items.length : body.count
    if (count > bulkMax) {
      throw new BadRequestError(413, 'too-many-items', `at most ${bulkMax} items per request`)
    }
    const items = 'items' in body ? body.items : Array.from({ length: count }, () => ({ ...body }))
    const enqueued = await producer.jobs.enqueueBulk(name, items)
    const made = enqueued.created.reduce((n, created) => (created ? n + 1 : n), 0)
    if (made) onEnqueued?.(name, registry.job(name)!.queue, made)
    return c.json(enqueued, 202)
  }

  for (const definition of registry.all()) {
    const { name } = definition
    const tag = definition.queue
    const body = z.object({ data: definition.input, options: EnqueueOptions.optional() })
    docs.addSchema(`${name}.input`, definition.input, 'input')
    docs.addSchema(`${name}.result`, definition.output, 'output')
    documented(
      app,
      docs,
      {
        method: 'post',
        path: `/v1/jobs/${name}`,
        tags: [tag],
        summary: `Enqueue ${name}`,
        description:
          `${definition.description ?? name}. Queue \`${definition.queue}\`. The finished job's ` +
          `\`result\` follows the \`${name}.result\` schema.`,
        request: { body: { required: true, content: { 'application/json': { schema: body } } } },
        responses: {
          202: jsonResponse('enqueued', EnqueuedJob),
          200: jsonResponse(
            'this idempotency key (jobId) made a job before, within its window: that job, ' +
              'created: false (state "removed" if it no longer exists); no second job is made',
            EnqueuedJob,
          ),
          ...commonErrors,
          413: problemResponse('the body is over the size limit'),
          415: problemResponse('the body is not application/json'),
        },
      },
      (c) => enqueue(c, name),
    )
    documented(
      app,
      docs,
      {
        method: 'post',
        path: `/v1/jobs/${name}/bulk`,
        tags: [tag],
        summary: `Enqueue many ${name} (all or nothing)`,
        request: {
          body: {
            required: true,
            content: {
              'application/json': {
                schema: z.union([
                  z.object({ items: z.array(body) }),
                  z.object({
                    count: z.number().int().min(1).max(bulkMax),
                    data: definition.input,
                    options: EnqueueOptions.optional(),
                  }),
                ]),
              },
            },
          },
        },
        responses: {
          202: jsonResponse(
            'every item enqueued, or answered with the job its idempotency key made before ' +
              '(created[i] false)',
            BulkEnqueued,
          ),
          ...commonErrors,
          413: problemResponse(`more than ${bulkMax} items, or the body is too large`),
        },
      },
      (c) => enqueueBulk(c, name),
    )
  }

  // Any other name: 404, before the body is even read.
  app.post('/v1/jobs/:name', (c) => {
    throw new UnknownJobError(c.req.param('name'))
  })
  app.post('/v1/jobs/:name/bulk', (c) => {
    throw new UnknownJobError(c.req.param('name'))
  })

  const jobId = (c: Context) => {
    const id = c.req.param('id') ?? ''
    if (!isValidJobId(id)) {
      throw new BadRequestError(400, 'malformed-id', `"${id.slice(0, 64)}" is not a job id`)
    }
    return id
  }

  documented(
    app,
    docs,
    {
      method: 'get',
      path: '/v1/jobs/{id}',
      tags: ['jobs'],
      summary: 'One job, by the id enqueue returned, whatever its queue',
      description:
        "Takes every id jobq and BullMQ make: the UUIDs enqueue returns, a schedule's runs " +
        '(`repeat:<scheduler>:<millis>`), fan-out children (`<parent id>.c<n>`), numeric ids. ' +
        'An idempotency key (`options.jobId`) is not an id: use the id its enqueue answered.',
      request: { params: JobIdParam },
      responses: {
        200: jsonResponse('the job', JobView),
        404: problemResponse('no such job'),
        ...commonErrors,
      },
    },
    async (c) => c.json(await producer.jobs.get(jobId(c))),
  )

  documented(
    app,
    docs,
    {
      method: 'get',
      path: '/v1/jobs/{id}/events',
      tags: ['jobs'],
      summary: 'Server-sent events of one job: state, progress, completed, failed',
      description:
        'Starts with a `state` event (the job as it is), then `progress` events, and ends with ' +
        '`completed` (with the result) or `failed` (with the reason). A job already finished ' +
        'answers its `state` and its final event at once.',
      request: { params: JobIdParam },
      responses: {
        200: {
          description: 'an event stream',
          content: { 'text/event-stream': { schema: z.string() } },
        },
        404: problemResponse('no such job'),
        ...commonErrors,
      },
    },
    (c) => streamJobEvents(c, producer, jobId(c)),
  )

  documented(
    app,
    docs,
    {
      method: 'delete',
      path: '/v1/jobs/{id}',
      tags: ['jobs'],
      summary: 'Cancel a job: remove it if it has not started, abort it where it runs if active',
      description:
        'A waiting or delayed job is removed (`removed`). An active job is aborted on whichever ' +
        'worker process holds it (`cancelling`) and ends failed with reason "cancelled", not ' +
        'retried. A finished job cannot be cancelled: 409.',
      request: { params: JobIdParam },
      responses: {
        200: jsonResponse(
          'removed, or being cancelled',
          z.object({ id: z.string(), outcome: z.enum(['removed', 'cancelling']) }),
        ),
        404: problemResponse('no such job'),
        409: problemResponse(
          'the job has already finished, or it is the next run of a schedule (its schedule owns it)',
        ),
        ...commonErrors,
      },
    },
    async (c) => c.json(await producer.control.cancel(jobId(c))),
  )

  documented(
    app,
    docs,
    {
      method: 'post',
      path: '/v1/jobs/{id}/retry',
      tags: ['jobs'],
      summary: 'Retry a failed job: back to waiting, with a fresh set of attempts',
      description:
        'The job gets its full `attempts` again: `attemptsMade` and `attemptsStarted` go back ' +
        'to 0, while `history` keeps the earlier attempts (their `attempt` numbers go on).',
      request: { params: JobIdParam },
      responses: {
        200: jsonResponse(
          'waiting again',
          z.object({ id: z.string(), state: z.literal('waiting') }),
        ),
        404: problemResponse('no such job'),
        409: problemResponse('the job has not failed'),
        ...commonErrors,
      },
    },
    async (c) => c.json(await producer.control.retry(jobId(c))),
  )

  return app
}
