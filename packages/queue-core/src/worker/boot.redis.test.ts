import { once } from 'node:events'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import { beforeEach, describe, expect, inject, it } from 'vitest'
import { gate } from '../../test/fixtures/gated.handler.js'
import { gateRegistry } from '../../test/fixtures/registry.js'
import { requestCancel } from '../cancel.js'
import { createRedis } from '../connection.js'
import { createOperations, type Operations } from '../operations/index.js'
import { useHarness } from '../testing/index.js'
import { startWorker } from './boot.js'

/** Resolves with the id of the next job whose handler starts in this process. */
const nextStart = async () => ((await once(gate, 'started')) as [string])[0]

/**
 * A TCP proxy to the test Redis that holds every SUBSCRIBE back for `ms`: a subscription that is
 * slow to be set up (a loaded Redis, a far one), so the window before it is wide and certain.
 */
async function slowSubscribeProxy(redisUrl: string, ms: number) {
  const target = new URL(redisUrl)
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname)
    sockets.add(client).add(upstream)
    let queue = Promise.resolve() // keeps the connection's bytes in order behind a held chunk
    client.on('data', (chunk) => {
      queue = queue.then(async () => {
        if (/subscribe/i.test(chunk.toString('latin1'))) await delay(ms)
        upstream.write(chunk)
      })
    })
    upstream.pipe(client)
    for (const socket of [client, upstream]) {
      socket.on('error', () => {})
      socket.on('close', () => (client.destroy(), upstream.destroy()))
    }
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  return {
    url: `redis://127.0.0.1:${port}`,
    close() {
      for (const socket of sockets) socket.destroy()
      server.close()
    },
  }
}

// The window between a worker taking its first job and it listening for cancels and marking its
// record ready: BullMQ workers run on construction, so they must be made last (issue 13).
describe('worker boot order', () => {
  const h = useHarness({ registry: gateRegistry })
  let producer: Operations
  beforeEach(() => {
    producer = h.producer(createOperations)
  })

  it('cancels a job that was waiting at boot and is cancelled the moment it starts', async () => {
    const proxy = h.track('proxy', await slowSubscribeProxy(inject('redisUrl'), 300), (p) =>
      p.close(),
    )
    const connection = h.track('connection', createRedis({ url: proxy.url, role: 'worker' }), (c) =>
      c.disconnect(),
    )
    const { id } = await producer.jobs.enqueue('test.gated', { ms: 3_000 })
    const started = nextStart()
    const booting = h.worker(startWorker, { connection })
    expect(await started).toBe(id)
    // The worker is subscribed by the time any job of it runs: this cancel reaches it.
    const heard = await requestCancel(h.redis, h.prefix, id)
    await booting
    expect(await h.waiter.finished('gates', id)).toEqual({ state: 'failed', reason: 'cancelled' })
    expect(heard).toBe(1)
  })

  it('shows a job that starts at once on boot in the record: busy, never idle', async () => {
    const { id } = await producer.jobs.enqueue('test.gated', { ms: 60_000 })
    const started = nextStart()
    const worker = await h.worker(startWorker)
    expect(await started).toBe(id)
    expect(worker.record()).toMatchObject({ state: 'busy', currentJobs: [id] })
  })

  it('cancels a job whose cancel it heard just before the job reached it', async () => {
    await h.worker(startWorker)
    const queue = h.waiter.queue('gates')
    await queue.pause()
    const { id } = await producer.jobs.enqueue('test.gated', { ms: 3_000 })
    // As when the cancel message overtakes BullMQ's hand-over of the job (two connections): the
    // worker hears it while nothing of it runs there yet.
    expect(await requestCancel(h.redis, h.prefix, id)).toBe(1)
    const starts: string[] = []
    const onStart = (jobId: string) => starts.push(jobId)
    gate.on('started', onStart)
    try {
      await queue.resume()
      expect(await h.waiter.finished('gates', id)).toEqual({ state: 'failed', reason: 'cancelled' })
      expect(starts).toEqual([])
    } finally {
      gate.off('started', onStart)
    }
  })
})
