// One producer process for the throughput scenario: on `go`, enqueues its share of no-op jobs,
// 50 in flight, through jobq's operations (what the HTTP routes call, without HTTP) or BullMQ's
// Queue.add; then says `done`.
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { createOperations, createRedis, waitForReady } from '@jobq/queue-core'
import { registry } from '../jobs/registry.js'

const [mode, countArg] = process.argv.slice(2)
const count = Number(countArg)
const prefix = process.env.JOBQ_PREFIX!
const IN_FLIGHT = 50

function adder() {
  if (mode === 'jobq') {
    const connection = createRedis({ url: process.env.REDIS_URL!, role: 'producer' })
    const ops = createOperations({ registry, connection, prefix })
    return {
      // jobq's operations refuse work until the connection is ready (fail fast, not queue up).
      ready: () => waitForReady(connection, 5_000),
      add: (n: number) => ops.jobs.enqueue('bench.noop', { n }),
      close: async () => {
        await ops.close()
        connection.disconnect()
      },
    }
  }
  const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null })
  const queue = new Queue('bench', { connection, prefix })
  return {
    ready: () => queue.waitUntilReady(),
    add: (n: number) => queue.add('bench.noop', { n }),
    close: async () => {
      await queue.close()
      connection.disconnect()
    },
  }
}

const { ready, add, close } = adder()
await ready()
await add(-1) // connect and load scripts before the clock starts
process.once('message', () => {
  void (async () => {
    let next = 0
    const lane = async () => {
      while (next < count) await add(next++)
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane))
    process.send?.({ type: 'done' })
    await close()
    process.exit(0)
  })()
})
process.send?.({ type: 'ready' })
