import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createOperations, type AnyRegistry } from '@jobq/queue-core'
import { testRedisUrl, useHarness } from '@jobq/queue-core/testing'
import { eventually, postJson, spawnProducer, spawnWorker } from './support.js'

const v1Registry = fileURLToPath(new URL('../fixtures/greet-v1-registry.mjs', import.meta.url))
const { registry: before } = (await import(v1Registry)) as { registry: AnyRegistry }

// A rolling deploy of demo.greet's payload change (v1 `{ name }` → v2 `{ firstName, lastName }`),
// with the built processes: the new producer goes first, old workers still run.
describe('payload versions across a deploy (built producer and workers)', () => {
  const h = useHarness({ label: 'versions', registry: before })

  it('runs old jobs upcast on the new worker, and new jobs wait for it without failing', async () => {
    const env = {
      REDIS_URL: testRedisUrl(),
      JOBQ_PREFIX: h.prefix,
      record: join(h.scratchDir(), 'r'),
    }
    const oldProducer = h.producer(createOperations)
    const newProducer = await spawnProducer({ REDIS_URL: env.REDIS_URL, JOBQ_PREFIX: h.prefix })
    h.processes.push(newProducer.process)
    const oldWorker = spawnWorker(['default'], { ...env, JOBQ_REGISTRY: v1Registry })
    h.processes.push(oldWorker)
    await oldWorker.waitFor(/worker taking jobs/)

    // The new producer's version 2 job reaches the old worker: handed back, not failed.
    const sent = await postJson(`${newProducer.url}/v1/jobs/demo.greet`, {
      data: { firstName: 'Alan', lastName: 'Turing' },
    })
    expect(sent.status).toBe(202)
    const { id: newJob, warning } = JSON.parse(sent.text) as { id: string; warning?: string }
    expect(warning).toMatch(/no live worker can run version 2 of "demo.greet".*run: 1\)/)
    const handedBack = await eventually(
      () => oldProducer.jobs.get(newJob),
      (job) => job.state === 'delayed' && job.history?.[0]?.outcome === 'handed-back',
    )
    expect(handedBack).toMatchObject({ attemptsStarted: 0, failedReason: null, version: 2 })

    // The old worker stops; an old producer still writes a version 1 job (no stamp) meanwhile.
    oldWorker.child.kill('SIGTERM')
    expect(await oldWorker.exited).toBe(0)
    const { id: oldJob } = await oldProducer.jobs.enqueue('demo.greet', { name: 'Ada Lovelace' })

    const newWorker = spawnWorker(['default'], { ...env, JOBQ_REGISTRY: '@jobq/jobs' })
    h.processes.push(newWorker)
    expect(await h.waiter.finished('default', oldJob, 30_000)).toEqual({
      state: 'completed',
      result: { greeting: 'Hello, Ada Lovelace!' },
    })
    expect(await h.waiter.finished('default', newJob, 30_000)).toEqual({
      state: 'completed',
      result: { greeting: 'Hello, Alan Turing!' },
    })
    const counts = (await oldProducer.queues.summary('default')).counts
    expect(counts).toMatchObject({ failed: 0, completed: 2 })
    expect((await oldProducer.jobs.get(newJob)).attemptsStarted).toBe(1)
  })
})
