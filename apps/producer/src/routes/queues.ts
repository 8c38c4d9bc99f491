import { OpenAPIHono, type z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import {
  type contracts,
  JobConflictError,
  JobNotFoundError,
  UnknownQueueError,
  type Producer,
  type QueueSummary,
} from '@jobq/queue-core'
import { jsonBodyReader, optionalJsonBodyReader } from '../body.js'
import { mount } from '../openapi/mount.js'
import { validationHook } from '../openapi/validation-hook.js'
import {
  clean,
  everyQueueAction,
  getQueue,
  listJobs,
  listQueues,
  queueAction,
  requeue,
  type RequeueBody,
} from './queue-docs.js'

type Valid = { req: { valid(target: 'json' | 'query'): unknown } }
const valid = <T>(c: Context, target: 'json' | 'query') =>
  (c as unknown as Valid).req.valid(target) as T

/** The queue routes: summaries, a queue's jobs, and the admin actions (`jobq`'s, same names). */
export function queueRoutes(producer: Producer): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  const queueParam = (c: Context) => c.req.param('queue') ?? ''
  const summaryOf = (name: string) => queueSummary(producer, name)

  mount(app, listQueues, async (c) => c.json({ queues: await producer.summarize() }))
  mount(app, getQueue, async (c) => c.json(await summaryOf(queueParam(c))))
  mount(app, listJobs, async (c) => {
    const query = valid<z.output<typeof contracts.ListJobsQuery>>(c, 'query')
    const queue = queueParam(c)
    const jobs = await producer.listJobs(queue, query)
    return c.json({ queue, state: query.state, jobs })
  })
  for (const action of ['pause', 'resume'] as const) {
    mount(app, everyQueueAction(action), async (c) => {
      for (const { name } of await producer.summarize()) await producer[action](name)
      return c.json({ queues: await producer.summarize() })
    })
  }
  for (const action of ['pause', 'resume', 'empty'] as const) {
    mount(app, queueAction(action), async (c) => {
      const name = queueParam(c)
      const affected = await producer[action](name)
      return c.json({ queue: await summaryOf(name), ...(affected !== undefined && { affected }) })
    })
  }
  mount(app, { ...requeue, middleware: [optionalJsonBodyReader()] }, async (c) => {
    const name = queueParam(c)
    const { ids } = valid<RequeueBody>(c, 'json')
    const affected = ids ? await requeueIds(producer, name, ids) : await producer.retryFailed(name)
    return c.json({ queue: await summaryOf(name), affected })
  })
  mount(app, { ...clean, middleware: [jsonBodyReader()] }, async (c) => {
    const name = queueParam(c)
    const { state, olderThanMs } = valid<z.output<typeof contracts.CleanRequest>>(c, 'json')
    const affected = await producer.clean(name, state, olderThanMs)
    return c.json({ queue: await summaryOf(name), affected })
  })
  return app
}

/** One queue's summary; {@link UnknownQueueError} (404 `unknown-queue`) for a name no queue has. */
async function queueSummary(producer: Producer, name: string): Promise<QueueSummary> {
  const queues = await producer.summarize()
  const queue = queues.find((q) => q.name === name)
  if (!queue)
    throw new UnknownQueueError(
      name,
      queues.map((q) => q.name),
    )
  return queue
}

/**
 * Requeues the failed jobs `ids` of `queue`, all or none: every id is checked first (a job of
 * this queue: else 404; failed: else 409), then each is retried. Answers how many.
 */
async function requeueIds(producer: Producer, queue: string, ids: readonly string[]) {
  await queueSummary(producer, queue)
  const jobs = await Promise.all(ids.map((id) => producer.getJob(id)))
  for (const job of jobs) {
    if (job.queue !== queue) throw new JobNotFoundError(job.id)
    if (job.state !== 'failed') {
      throw new JobConflictError(
        job.id,
        job.state,
        `job ${job.id} has not failed (it is ${job.state}); none requeued`,
      )
    }
  }
  for (const id of new Set(ids)) await producer.retry(id)
  return new Set(ids).size
}
