import { z } from 'zod'
import { Hono } from 'hono'
import type { AppRegistry } from '@jobq/jobs'
import { type ApiDocs, documented } from '../openapi/document.js'
import { jsonResponse } from '../openapi/schemas.js'

/** GET /v1/registry: every job definition, with JSON Schemas of its input and output. */
export function registryRoutes(docs: ApiDocs, registry: AppRegistry): Hono {
  const app = new Hono()
  // Built once: the registry does not change while the process runs.
  const body = {
    queues: registry.queueNames.map((name) => registry.queues[name]),
    jobs: registry.all().map((job) => ({
      name: job.name,
      queue: job.queue,
      description: job.description ?? null,
      options: job.options ?? {},
      input: z.toJSONSchema(job.input, { io: 'input', unrepresentable: 'any' }),
      output: z.toJSONSchema(job.output, { io: 'output', unrepresentable: 'any' }),
    })),
  }
  documented(
    app,
    docs,
    {
      method: 'get',
      path: '/v1/registry',
      tags: ['registry'],
      summary: 'Every job definition, with JSON Schemas of its input and output',
      responses: {
        200: jsonResponse(
          'the registry',
          z.object({ queues: z.array(z.unknown()), jobs: z.array(z.unknown()) }),
        ),
      },
    },
    (c) => c.json(body),
  )
  return app
}
