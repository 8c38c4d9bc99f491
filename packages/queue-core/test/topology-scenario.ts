import { setTimeout as sleep } from 'node:timers/promises'
import { createOperations } from '../src/operations/index.js'
import { eventually, type Harness } from '../src/testing/index.js'
import { startWorker } from '../src/worker/boot.js'

/**
 * A producer, a worker and a job waiter on the harness's topology, each with the connections it
 * would have in production (the producer's fail-fast one and its patient events one, the
 * worker's, its cancel subscriber made by `duplicate()`, BullMQ's blocking duplicates); the
 * harness closes them.
 */
export async function openStack(h: Harness) {
  const producer = h.producer(createOperations)
  const worker = await h.worker(startWorker, { heartbeatMs: 200 })
  return { producer, worker, waiter: h.waiter }
}
export type Stack = Awaited<ReturnType<typeof openStack>>

/**
 * Jobs flow (one enqueue every 10 ms) while `kill` takes the node holding the queue down. Returns
 * how long after the kill a job enqueued after it was completed, and every acknowledged job's
 * state: none may be lost.
 */
export async function runThroughFailover(stack: Stack, kill: () => Promise<void> | void) {
  const { producer } = stack
  // Job state is read, not awaited as an event: a QueueEvents reader on a cluster misses the events
  // of the seconds its stream connection takes to follow the failover (BullMQ restarts at `$`).
  const stateOf = (id: string) => producer.jobs.get(id).then((job) => job.state)
  const completed = (id: string) =>
    eventually(
      () => stateOf(id),
      (state) => state === 'completed',
      {
        what: `job ${id} to complete`,
        timeoutMs: 30_000,
      },
    )
  const acked: string[] = []
  let flowing = true
  let n = 0
  const flow = (async () => {
    while (flowing) {
      try {
        acked.push((await producer.jobs.enqueue('test.add', { a: n++, b: 1 })).id)
      } catch {
        // 503-style BackendUnavailableError while the topology fails over: not acknowledged.
      }
      await sleep(10)
    }
  })()
  try {
    await eventually(
      () => acked.length,
      (n) => n >= 30,
      { what: '30 acknowledged jobs' },
    )
    await completed(acked[29]!)
    const killedAt = Date.now()
    const ackedBefore = acked.length
    await kill()
    await eventually(
      () => acked.length,
      (n) => n > ackedBefore,
      {
        what: 'an enqueue after the kill',
        timeoutMs: 30_000,
      },
    )
    await completed(acked[ackedBefore]!)
    const recoveryMs = Date.now() - killedAt
    await eventually(
      () => acked.length,
      (n) => n >= ackedBefore + 30,
      {
        what: '30 more jobs',
        timeoutMs: 30_000,
      },
    )
    flowing = false
    await flow
    await completed(acked.at(-1)!)
    const outcomes = await Promise.all(acked.map(stateOf))
    return { recoveryMs, acked: acked.length, outcomes }
  } finally {
    flowing = false
    await flow
  }
}
