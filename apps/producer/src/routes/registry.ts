import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import * as contracts from '@jobq/queue-core/contracts'
import type { AppRegistry } from '@jobq/jobs'
import { scope } from '../access/scopes.js'
import { mount } from '../openapi/mount.js'
import { commonErrors, jsonResponse } from '../openapi/responses.js'

const getRegistry = createRoute({
  method: 'get',
  path: '/v1/registry',
  ...scope('read'),
  tags: ['registry'],
  summary: 'Every job definition, with JSON Schemas of its input and output',
  responses: {
    200: jsonResponse('the registry', contracts.RegistryView),
    401: commonErrors[401],
    413: commonErrors[413],
  },
})

/** GET /v1/registry: every job definition, with JSON Schemas of its input and output. */
export function registryRoutes(registry: AppRegistry): OpenAPIHono {
  const app = new OpenAPIHono()
  // Built once: the registry does not change while the process runs.
  const body = {
    queues: registry.queueNames.map((name) => registry.queues[name]),
    jobs: registry.all().map((job) => ({
      name: job.name,
      queue: job.queue,
      description: job.description ?? null,
      options: job.options ?? {},
      input: z.toJSONSchema(job.input, { io: 'input', unrepresentable: 'any' }),
      version: job.version ?? 1,
      olderInputs: Object.fromEntries(
        Object.entries(job.olderVersions ?? {}).map(([version, older]) => [
          version,
          z.toJSONSchema(older.input, { io: 'input', unrepresentable: 'any' }),
        ]),
      ),
      output: z.toJSONSchema(job.output, { io: 'output', unrepresentable: 'any' }),
      search: [...(job.search ?? [])],
    })),
  }
  mount(app, getRegistry, (c) => c.json(body))
  return app
}
