import { describe, expect, it } from 'vitest'
import { useAppHarness } from '../../test/harness.js'

// demo.greet: version 1 took `{ name }`, version 2 (current) takes `{ firstName, lastName }`.
/** The enqueue body's schema, as far as the test reads it. */
interface Body {
  properties: { data: { anyOf: unknown[] } }
}

describe('POST /v1/jobs/demo.greet across payload versions', () => {
  const h = useAppHarness()

  it('accepts both versions, and a worker runs the older one upcast', async () => {
    await h.startWorker(['default'])
    const v2 = await h.post('/v1/jobs/demo.greet', { data: { firstName: 'Grace', lastName: 'H' } })
    const v1 = await h.post('/v1/jobs/demo.greet', {
      data: { name: 'Ada Lovelace' },
      options: { version: 1 },
    })
    expect([v2.status, v1.status]).toEqual([202, 202])
    const ids = [((await v2.json()) as { id: string }).id, ((await v1.json()) as { id: string }).id]
    for (const id of ids) await h.waiter.finished('default', id)
    const [current, older] = await Promise.all(
      ids.map(async (id) => (await h.app.request(`/v1/jobs/${id}`)).json()),
    )
    expect(current).toMatchObject({ version: 2, result: { greeting: 'Hello, Grace H!' } })
    expect(older).toMatchObject({
      version: 1,
      data: { name: 'Ada Lovelace' },
      result: { greeting: 'Hello, Ada Lovelace!' },
    })
  })

  it('refuses a version 1 payload that does not match version 1, and enqueues nothing', async () => {
    const res = await h.post('/v1/jobs/demo.greet', {
      data: { firstName: 'Ada', lastName: 'L' },
      options: { version: 1 },
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { type: string; errors: { path: string }[] }
    expect(body.type).toBe('/problems/validation')
    expect(body.errors.map((e) => e.path)).toEqual(['data.name'])
    const unknown = await h.post('/v1/jobs/demo.greet', {
      data: { name: 'Ada' },
      options: { version: 7 },
    })
    expect(unknown.status).toBe(400)
    // A job without versions has version 1 only.
    const echo = await h.post('/v1/jobs/demo.echo', { data: 1, options: { version: 2 } })
    expect(echo.status).toBe(400)
    expect(((await echo.json()) as { errors: { path: string }[] }).errors).toEqual([
      { path: 'options.version', message: 'job "demo.echo" has only version 1' },
    ])
    expect(await h.jobCount('default')).toBe(0)
  })

  it('warns in a header when no live worker runs the version, and refuses with requireWorker', async () => {
    const warned = await h.post('/v1/jobs/demo.greet', { data: { firstName: 'Ada' } })
    expect(warned.status).toBe(202)
    expect(warned.headers.get('jobq-warning')).toMatch(
      /^no live worker can run version 2 of "demo.greet" .*live workers run: none/,
    )
    const body = (await warned.json()) as { warning?: string }
    expect(body.warning).toBe(warned.headers.get('jobq-warning'))
    const refused = await h.post('/v1/jobs/demo.greet', {
      data: { firstName: 'Ada' },
      options: { requireWorker: true },
    })
    expect(refused.status).toBe(409)
    expect(await refused.json()).toMatchObject({ type: '/problems/no-worker' })
    expect(await h.jobCount('default')).toBe(1)
  })

  it('takes items of both versions in one bulk, each checked against its own version', async () => {
    const wrong = await h.post('/v1/jobs/demo.greet/bulk', {
      items: [{ data: { firstName: 'Ada' }, options: { version: 1 } }, { data: { name: 'x' } }],
    })
    expect(wrong.status).toBe(400)
    const issues = ((await wrong.json()) as { errors: { path: string }[] }).errors
    expect(issues.map((e) => e.path)).toEqual(['items.0.data.name', 'items.1.data.firstName'])
    expect(await h.jobCount('default')).toBe(0)
    const mixed = await h.post('/v1/jobs/demo.greet/bulk', {
      items: [{ data: { name: 'Ada' }, options: { version: 1 } }, { data: { firstName: 'Bo' } }],
    })
    expect(mixed.status).toBe(202)
    expect(mixed.headers.get('jobq-warning')).toMatch(/version 1, 2 of "demo.greet"/)
    const { ids } = (await mixed.json()) as { ids: string[] }
    const versions = await Promise.all(
      ids.map(
        async (id) =>
          ((await (await h.app.request(`/v1/jobs/${id}`)).json()) as { version: number }).version,
      ),
    )
    expect(versions).toEqual([1, 2])
  })

  it('GET /v1/registry shows the current version and each older input', async () => {
    const body = (await (await h.app.request('/v1/registry')).json()) as {
      jobs: {
        name: string
        version: number
        olderInputs: Record<string, { required?: string[] }>
      }[]
    }
    const greet = body.jobs.find((job) => job.name === 'demo.greet')
    expect(greet).toMatchObject({ version: 2, olderInputs: { 1: { required: ['name'] } } })
    expect(body.jobs.find((job) => job.name === 'demo.echo')).toMatchObject({
      version: 1,
      olderInputs: {},
    })
  })

  it('documents each version in the OpenAPI document', async () => {
    const doc = (await (await h.app.request('/openapi.json')).json()) as {
      paths: Record<
        string,
        { post: { requestBody: { content: Record<string, { schema: Body }> } } }
      >
      components: { schemas: Record<string, { required?: string[] }> }
    }
    const body = doc.paths['/v1/jobs/demo.greet']!.post.requestBody.content['application/json']!
    expect(body.schema.properties.data.anyOf).toEqual([
      { $ref: '#/components/schemas/demo.greet.input' },
      { $ref: '#/components/schemas/demo.greet.input.v1' },
    ])
    expect(doc.components.schemas['demo.greet.input']?.required).toEqual(['firstName'])
    expect(doc.components.schemas['demo.greet.input.v1']?.required).toEqual(['name'])
  })
})
