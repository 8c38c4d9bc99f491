import { createServer } from 'node:net'
import { once } from 'node:events'
import { Worker } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { fixtureRegistry } from '../../test/fixtures/registry.js'
import { createRedis, waitForReady } from '../connection.js'
import { createOperations } from '../operations/index.js'
import { startWorker } from '../worker/boot.js'
import { createHarness } from './harness.js'
import { assertNoLeaks, openHandles } from './leak-guard.js'
import { testRedisUrl } from './provided-context.js'
import { uniquePrefix } from './helpers.js'

// The guard every test file runs after its own teardown (leak-guard.setup.ts), run here by hand
// on things left open on purpose: each must be caught and named, and pass once closed.
const port = () => new URL(testRedisUrl()).port

describe('the leak guard', () => {
  it('names a Redis connection left open, and passes once it is closed', async () => {
    const baseline = openHandles()
    const redis = createRedis({ url: testRedisUrl(), role: 'producer' })
    await waitForReady(redis, 5_000)
    await expect(assertNoLeaks(baseline, 200)).rejects.toThrow(
      new RegExp(`left open: socket to 127\\.0\\.0\\.1:${port()} `),
    )
    redis.disconnect()
    await assertNoLeaks(baseline)
  })

  it('catches a BullMQ worker left running (its connections stay open)', async () => {
    const baseline = openHandles()
    const connection = createRedis({ url: testRedisUrl(), role: 'worker' })
    const worker = new Worker('leaky', async () => undefined, {
      connection,
      prefix: uniquePrefix('leak'),
    })
    worker.on('error', () => {})
    await worker.waitUntilReady()
    await expect(assertNoLeaks(baseline, 200)).rejects.toThrow(/socket to 127\.0\.0\.1/)
    await worker.close()
    connection.disconnect()
    await assertNoLeaks(baseline)
  })

  it('names a child process and a listening server left open', async () => {
    const baseline = openHandles()
    const harness = await createHarness({ target: testRedisUrl() })
    const child = harness.spawn('-e', ['setInterval(() => {}, 1000)'])
    const server = createServer().listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port: serverPort } = server.address() as { port: number }
    const left = assertNoLeaks(baseline, 200)
    await expect(left).rejects.toThrow(/child process .*node.* -e .*\(pid \d+\)/)
    await expect(left).rejects.toThrow(new RegExp(`server listening on port ${serverPort}`))
    server.close()
    await harness.close()
    expect(child.child.exitCode ?? child.child.signalCode).not.toBeNull()
    await assertNoLeaks(baseline)
  })

  it('finds nothing once the harness has closed the producer, workers and connections it made', async () => {
    const baseline = openHandles()
    const harness = await createHarness({ target: testRedisUrl(), registry: fixtureRegistry })
    const producer = harness.producer(createOperations)
    await harness.worker(startWorker, { concurrency: 2 })
    const { id } = await producer.jobs.enqueue('test.add', { a: 1, b: 2 })
    expect(await harness.waiter.finished('fixtures', id)).toEqual({
      state: 'completed',
      result: { sum: 3 },
    })
    await expect(assertNoLeaks(baseline, 200)).rejects.toThrow(/left open/)
    await harness.close()
    await assertNoLeaks(baseline)
  })
})
