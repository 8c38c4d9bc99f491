import { OpenAPIHono, type z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type * as contracts from '@jobq/queue-core/contracts'
import type { Operations } from '@jobq/queue-core'
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
export function queueRoutes(producer: Operations): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  const queueParam = (c: Context) => c.req.param('queue') ?? ''
  const { queues, control } = producer

  mount(app, listQueues, async (c) => c.json({ queues: await queues.summaries() }))
  mount(app, getQueue, async (c) => c.json(await queues.summary(queueParam(c))))
  mount(app, listJobs, async (c) => {
    const query = valid<z.output<typeof contracts.ListJobsQuery>>(c, 'query')
    const queue = queueParam(c)
    return c.json({ queue, state: query.state, jobs: await producer.jobs.list(queue, query) })
  })
  mount(app, everyQueueAction('pause'), async (c) => c.json({ queues: await queues.pauseAll() }))
  mount(app, everyQueueAction('resume'), async (c) => c.json({ queues: await queues.resumeAll() }))
  for (const action of ['pause', 'resume', 'empty'] as const) {
    mount(app, queueAction(action), async (c) => c.json(await queues[action](queueParam(c))))
  }
  mount(app, { ...requeue, middleware: [optionalJsonBodyReader()] }, async (c) => {
    const { ids } = valid<RequeueBody>(c, 'json')
    return c.json(await control.requeue(queueParam(c), ids))
  })
  mount(app, { ...clean, middleware: [jsonBodyReader()] }, async (c) => {
    const request = valid<z.output<typeof contracts.CleanRequest>>(c, 'json')
    return c.json(await queues.clean(queueParam(c), request))
  })
  return app
}
