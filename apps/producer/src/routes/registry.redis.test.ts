import { validate } from '@readme/openapi-parser'
import { describe, expect, it } from 'vitest'
import { registry } from '@jobq/jobs'
import { useAppHarness } from '../../test/harness.js'

type Doc = {
  openapi: string
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>
  >
  components: { schemas: Record<string, unknown> }
}

describe('registry, OpenAPI and docs', () => {
  const h = useAppHarness()

  it('GET /v1/registry describes every job with JSON Schemas of its input and output', async () => {
    const body = (await (await h.app.request('/v1/registry')).json()) as {
      jobs: { name: string; queue: string; input: { properties?: object }; output: object }[]
    }
    expect(body.jobs.map((j) => j.name)).toEqual(registry.all().map((j) => j.name))
    const sleep = body.jobs.find((j) => j.name === 'demo.sleep')!
    expect(sleep).toMatchObject({
      queue: 'default',
      input: {
        type: 'object',
        properties: { ms: { type: 'integer', maximum: 600_000 } },
        required: ['ms'],
      },
      output: { type: 'object', properties: { sleptMs: { type: 'number' } } },
    })
  })

  it('serves an OpenAPI 3.1 document that validates and types each job on its own', async () => {
    const doc = (await (await h.app.request('/openapi.json')).json()) as Doc
    expect(doc.openapi).toBe('3.1.0')
    await expect(validate(structuredClone(doc) as never)).resolves.toMatchObject({ valid: true })
    for (const job of registry.all()) {
      const body = doc.paths[`/v1/jobs/${job.name}`]?.post?.requestBody
      expect(body, job.name).toBeDefined()
      expect(doc.components.schemas[`${job.name}.result`], job.name).toBeDefined()
    }
    const sleepBody =
      doc.paths['/v1/jobs/demo.sleep']!.post!.requestBody!.content['application/json']!
    expect(sleepBody.schema).toMatchObject({
      properties: { data: { properties: { ms: { type: 'integer' } }, required: ['ms'] } },
    })
    for (const path of [
      '/v1/jobs/{id}',
      '/v1/jobs/{id}/events',
      '/v1/queues',
      '/v1/queues/{queue}/pause',
    ]) {
      expect(doc.paths[path], path).toBeDefined()
    }
  })

  it('documents request bodies as strictly as they are validated, and every SSE event', async () => {
    type Operation = {
      description?: string
      requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }
    }
    const doc = (await (await h.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, Operation>>
    }
    const bodies = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, op]) =>
        op.requestBody ? [[`${method} ${path}`, op.requestBody.content['application/json']!]] : [],
      ),
    ) as [string, { schema: Record<string, unknown> }][]
    expect(bodies.length).toBeGreaterThan(2 * registry.all().length)
    // Unknown keys are refused with 400 on every body: the document says so.
    const forms = (schema: Record<string, unknown>) =>
      (schema.anyOf as Record<string, unknown>[] | undefined) ?? [schema]
    for (const [operation, { schema }] of bodies) {
      for (const form of forms(schema)) {
        expect(form.additionalProperties, operation).toBe(false)
      }
    }
    const refused = await h.post('/v1/jobs/demo.echo', { data: 1, extra: true })
    expect(refused.status).toBe(400)
    expect(doc.paths['/v1/jobs/{id}/events']!.get!.description).toMatch(/`retrying`/)
  })

  it('serves /docs with every asset from this server (works offline)', async () => {
    const page = await h.app.request('/docs')
    expect(page.status).toBe(200)
    const html = await page.text()
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
    expect(assets.length).toBeGreaterThanOrEqual(3)
    for (const asset of assets) {
      expect(asset.startsWith('/docs/assets/'), asset).toBe(true)
      const res = await h.app.request(asset)
      expect(res.status, asset).toBe(200)
      expect((await res.arrayBuffer()).byteLength, asset).toBeGreaterThan(20)
    }
  })
})
