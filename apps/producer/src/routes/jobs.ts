import { Hono } from 'hono'
import { z } from 'zod'
import { isValidJobId, JobValidationError, type Producer, UnknownJobError } from '@jobq/queue-core'
import type { AppRegistry } from '@jobq/jobs'
import { readJson } from '../body.js'
import { BadRequestError } from '../errors.js'

/** `{ data, options? }`: anything else in the envelope is a mistake worth reporting. */
const enqueueBody = z.strictObject({ data: z.unknown(), options: z.unknown().optional() })

/** POST /v1/jobs/:name enqueues; GET /v1/jobs/:id reads one job, whatever its queue. */
export function jobRoutes(producer: Producer, registry: AppRegistry) {
  return new Hono()
    .post('/:name', async (c) => {
      const name = c.req.param('name')
      if (!registry.job(name)) throw new UnknownJobError(name)
      const body = enqueueBody.safeParse(await readJson(c))
      if (!body.success) {
        throw new JobValidationError('the body must be { "data": ..., "options"?: {...} }', [
          { path: '(root)', message: body.error.issues.map((i) => i.message).join('; ') },
        ])
      }
      const job = await producer.enqueue(name, body.data.data, body.data.options)
      return c.json(job, 202, { location: `/v1/jobs/${job.id}` })
    })
    .get('/:id', async (c) => {
      const id = c.req.param('id')
      if (!isValidJobId(id)) {
        throw new BadRequestError(400, 'malformed-id', `"${id.slice(0, 64)}" is not a job id`)
      }
      return c.json(await producer.getJob(id))
    })
}
