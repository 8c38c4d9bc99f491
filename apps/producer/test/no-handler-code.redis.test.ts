import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { freePort, testRedisUrl, useHarness } from '@jobq/queue-core/testing'
import { samples } from './samples.js'

const hook = fileURLToPath(new URL('./forbid-handlers.mjs', import.meta.url))
const producerMain = fileURLToPath(new URL('../dist/main.js', import.meta.url))
const workerMain = fileURLToPath(new URL('../../worker/dist/main.js', import.meta.url))

describe('the producer never evaluates handler code', () => {
  const h = useHarness({ label: 'no-handler' })

  it('serves enqueue and reads for every job with handler modules forbidden', async () => {
    const port = await freePort()
    const env = { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: h.prefix, PORT: String(port) }
    const producer = h.spawn(producerMain, [], { env, nodeArgs: ['--import', hook] })
    await producer.waitFor(/producer listening/)

    const { registry } = await import('@jobq/jobs')
    expect(Object.keys(samples).sort()).toEqual(
      registry
        .all()
        .map((j) => j.name)
        .sort(),
    )
    for (const [name, data] of Object.entries(samples)) {
      const res = await fetch(`http://127.0.0.1:${port}/v1/jobs/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data }),
      })
      expect(res.status, name).toBe(202)
      const { id } = (await res.json()) as { id: string }
      expect((await fetch(`http://127.0.0.1:${port}/v1/jobs/${id}`)).status).toBe(200)
    }
    expect(producer.child.exitCode).toBeNull()
    expect(producer.output()).not.toContain('handler module loaded')
  })

  it('(control) the same hook stops a worker, which must load handlers', async () => {
    const env = { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: h.prefix }
    const worker = h.spawn(workerMain, [], { env, nodeArgs: ['--import', hook] })
    expect(await worker.exited).toBe(86)
    expect(worker.output()).toMatch(/handler module loaded: .*\.handler\.js/)
  })
})
