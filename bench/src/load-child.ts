// The start-latency load, from a process of its own for both sides (issue 14): the enqueue work
// must not delay the generator or share its event loop with the bench. `go` starts `rate` jobs/s
// for `seconds`; `sent` answers once every enqueue was acknowledged.
import { Queue } from 'bullmq'
import { createOperations, createRedis, waitForReady } from '@jobq/queue-core'
import { serveParent } from './child-protocol.js'
import { registry } from './jobs/registry.js'
import { monotonicMicros } from './latency-recorder.js'

const [mode, rate, seconds] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])]
const prefix = process.env.JOBQ_PREFIX!
const connection = createRedis({ url: process.env.REDIS_URL!, role: 'producer' })
await waitForReady(connection, 5_000)
const producer = createOperations({ registry, connection, prefix })
const queue = new Queue('bench', { connection, prefix })
const enqueue =
  mode === 'jobq'
    ? () => producer.jobs.enqueue('bench.latency', { t: monotonicMicros() })
    : () => queue.add('bench.latency', { t: monotonicMicros() })

/** Every 10 ms, the jobs due by now: an even offered load, whatever each add costs. */
async function offer(): Promise<number> {
  const total = Math.round(rate * seconds)
  const started = performance.now()
  const pending: Promise<unknown>[] = []
  while (pending.length < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1_000) * rate))
    while (pending.length < due) pending.push(enqueue())
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  await Promise.all(pending)
  return total
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'go') void offer().then((count) => process.send?.({ type: 'sent', count }))
})
serveParent(async () => {
  await producer.close()
  await queue.close()
  connection.disconnect()
})
