import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import {
  freePort,
  spawnNode,
  testRedisUrl,
  uniquePrefix,
  type NodeProcess,
} from '@jobq/queue-core/testing'
import { samples } from './samples.js'

const hook = fileURLToPath(new URL('./forbid-handlers.mjs', import.meta.url))
const producerMain = fileURLToPath(new URL('../dist/main.js', import.meta.url))
const workerMain = fileURLToPath(new URL('../../worker/dist/main.js', import.meta.url))

describe('the producer never evaluates handler code', () => {
  const processes: NodeProcess[] = []
  afterEach(() => processes.forEach((p) => p.kill()))

  it('serves enqueue and reads for every job with handler modules forbidden', async () => {
    const port = await freePort()
    const env = { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: uniquePrefix(), PORT: String(port) }
    const producer = spawnNode(producerMain, [], { env, nodeArgs: ['--import', hook] })
    processes.push(producer)
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
    const env = { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: uniquePrefix() }
    const worker = spawnNode(workerMain, [], { env, nodeArgs: ['--import', hook] })
    processes.push(worker)
    expect(await worker.exited).toBe(86)
    expect(worker.output()).toMatch(/handler module loaded: .*\.handler\.js/)
  })
})
