import { Queue } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineJob, defineQueue } from '../define-job.js'
import { JobValidationError, NoWorkerForVersionError } from '../errors.js'
import { createOperations } from '../operations/index.js'
import { createRegistry } from '../registry.js'
import { eventually, useHarness } from '../testing/index.js'
import { olderVersion } from '../versions.js'
import { startWorker } from './boot.js'
import { HAND_BACK_BASE_MS } from './version-gate.js'

// One job across a deploy: version 1 took `{ name }`, version 2 takes `{ firstName, lastName }`.
const queue = defineQueue({ name: 'versions' })
const output = z.object({ greeting: z.string() })
const greetV1 = defineJob({
  name: 'test.greet',
  queue: 'versions',
  input: z.object({ name: z.string().min(1) }),
  output,
  handler: async () => ({
    default: async ({ name }: { name: string }) => ({ greeting: `v1 worker: ${name}` }),
  }),
})
const greetV2 = defineJob({
  name: 'test.greet',
  queue: 'versions',
  version: 2,
  input: z.object({ firstName: z.string().min(1), lastName: z.string() }),
  output,
  olderVersions: {
    1: olderVersion(z.object({ name: z.string().min(1) }), ({ name }) => {
      const [firstName, ...rest] = name.split(' ')
      return { firstName, lastName: rest.join(' ') }
    }),
  },
  handler: async () => ({
    default: async (input: { firstName: string; lastName: string }) => ({
      greeting: `v2 worker: first=${input.firstName} last=${input.lastName}`,
    }),
  }),
})
const before = createRegistry({ queues: [queue], jobs: [greetV1] })
const after = createRegistry({ queues: [queue], jobs: [greetV2] })

describe('payload versions across a deploy', () => {
  const h = useHarness({ registry: after })
  const producerOf = (registry: typeof before | typeof after) =>
    h.producer((deps) => createOperations({ ...deps, registry }))

  it('runs a version 1 job written before the deploy on a version 2 worker, upcast', async () => {
    // Written by the old producer: no version stamp at all.
    const old = await producerOf(before).jobs.enqueue('test.greet', { name: 'Ada Lovelace' })
    // Written by a new producer on behalf of an old client: stamped 1.
    const sent = await producerOf(after).jobs.enqueue(
      'test.greet',
      { name: 'Grace Hopper' },
      { version: 1 },
    )
    await h.worker(startWorker, {})
    expect(await h.waiter.finished('versions', old.id)).toEqual({
      state: 'completed',
      result: { greeting: 'v2 worker: first=Ada last=Lovelace' },
    })
    expect(await h.waiter.finished('versions', sent.id)).toEqual({
      state: 'completed',
      result: { greeting: 'v2 worker: first=Grace last=Hopper' },
    })
    const ops = producerOf(after)
    // The job keeps the payload it was sent with, and says which version that is.
    expect(await ops.jobs.get(old.id)).toMatchObject({ version: 1, data: { name: 'Ada Lovelace' } })
    expect(await ops.jobs.get(sent.id)).toMatchObject({ version: 1 })
  })

  it('fails for good a stamped payload that does not match its own version', async () => {
    // Written by other means than a producer: jobq's check of the payload is the worker's.
    const queue = h.track(
      'queue',
      new Queue('versions', { connection: h.redis, prefix: h.prefix }),
      (q) => q.close(),
    )
    const job = await queue.add('test.greet', { nombre: 'Ada' }, {
      jobqVersion: 1,
      attempts: 3,
    } as object)
    await h.worker(startWorker, {})
    expect(await h.waiter.finished('versions', job.id!)).toMatchObject({ state: 'failed' })
    const view = await producerOf(after).jobs.get(job.id!)
    expect(view).toMatchObject({
      attemptsMade: 1,
      failedReason:
        'invalid input of version 1: data.name: Invalid input: expected string, received undefined',
    })
  })

  it('hands a version 2 job back from a version 1 worker, unfailed and uncharged, until a version 2 worker runs it', async () => {
    const producer = producerOf(after)
    const job = await producer.jobs.enqueue('test.greet', { firstName: 'Alan', lastName: 'Turing' })
    const oldWorker = await h.worker(startWorker, { registry: before })
    const handedBack = await eventually(async () => {
      const view = await producer.jobs.get(job.id)
      expect(view.history?.map((e) => e.outcome)).toContain('handed-back')
      expect(view.state).toBe('delayed')
      return view
    })
    // Moved to delayed with a backoff (no busy loop), its start given back, nothing failed.
    expect(handedBack).toMatchObject({ version: 2, attemptsMade: 0, failedReason: null })
    expect(handedBack.attemptsStarted).toBe(0)
    expect(handedBack.history?.[0]?.reason).toMatch(/^payload version 2 is newer than this worker/)
    const delay = Number(await h.redis.hget(`${h.prefix}:versions:${job.id}`, 'delay'))
    expect(delay).toBeGreaterThanOrEqual(HAND_BACK_BASE_MS)
    expect(await producer.queues.summary('versions')).toMatchObject({
      counts: { failed: 0, completed: 0 },
    })
    await oldWorker.close()

    await h.worker(startWorker, {})
    expect(await h.waiter.finished('versions', job.id, 30_000)).toEqual({
      state: 'completed',
      result: { greeting: 'v2 worker: first=Alan last=Turing' },
    })
    const done = await producer.jobs.get(job.id)
    // Only the start that ran the handler counts.
    expect(done).toMatchObject({ state: 'completed', version: 2, attemptsStarted: 1 })
    expect(done.history?.at(-1)?.outcome).toBe('completed')
  })

  it('warns, or refuses when asked, when no live worker runs the version enqueued', async () => {
    await h.worker(startWorker, { registry: before })
    const producer = producerOf(after)
    const v1 = await producer.jobs.enqueue('test.greet', { name: 'Ada' }, { version: 1 })
    expect(v1.warning).toBeUndefined()
    const v2 = await producer.jobs.enqueue('test.greet', { firstName: 'Ada', lastName: 'L' })
    expect(v2.warning).toMatch(/no live worker can run version 2 of "test.greet".*run: 1/)
    const refused = producer.jobs.enqueue(
      'test.greet',
      { firstName: 'Ada', lastName: 'L' },
      { requireWorker: true },
    )
    await expect(refused).rejects.toBeInstanceOf(NoWorkerForVersionError)
    // The refused one was never written: two jobs in all.
    const counts = (await producer.queues.summary('versions')).counts
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(2)
  })

  it('validates data against the version it names, and refuses a version the job lacks', async () => {
    const producer = producerOf(after)
    const wrong = producer.jobs.enqueue('test.greet', { firstName: 'Ada' }, { version: 1 })
    await expect(wrong).rejects.toBeInstanceOf(JobValidationError)
    const issues = await wrong.catch((err: JobValidationError) => err.issues)
    expect(issues).toEqual([
      { path: 'data.name', message: 'Invalid input: expected string, received undefined' },
    ])
    await expect(
      producer.jobs.enqueue('test.greet', { firstName: 'Ada', lastName: '' }, { version: 3 }),
    ).rejects.toMatchObject({
      issues: [{ path: 'options.version', message: 'job "test.greet" has versions 1 to 2, not 3' }],
    })
    await expect(
      producerOf(before).jobs.enqueue('test.greet', { name: 'Ada' }, { version: 2 }),
    ).rejects.toMatchObject({ issues: [{ path: 'options.version' }] })
  })
})
