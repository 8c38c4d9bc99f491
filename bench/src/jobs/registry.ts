import { z } from 'zod'
import { createRegistry, defineJob, defineQueue } from '@jobq/queue-core'

/** What the benchmark runs: a job that does nothing, and one that reports how late it started. */
export const noop = defineJob({
  name: 'bench.noop',
  queue: 'bench',
  input: z.object({ n: z.number().int() }),
  output: z.object({}),
  handler: () => import('./noop.handler.js'),
})

export const latency = defineJob({
  name: 'bench.latency',
  queue: 'bench',
  input: z.object({ t: z.number() }),
  output: z.object({}),
  handler: () => import('./latency.handler.js'),
})

/** A no-op limited to 2 at a time per `key` (flow control): the "drain with groups" scenario. */
export const grouped = defineJob({
  name: 'bench.grouped',
  queue: 'bench',
  input: z.object({ n: z.number().int(), key: z.string() }),
  output: z.object({}),
  group: { key: (input) => input.key, concurrency: 2 },
  handler: () => import('./noop.handler.js'),
})

/** demo.order's input (issue 17): with its two search fields indexed at enqueue, and without. */
const orderInput = z.object({ customerId: z.string(), region: z.string(), amount: z.number() })

export const order = defineJob({
  name: 'bench.order',
  queue: 'bench',
  input: orderInput,
  output: z.object({}),
  search: ['customerId', 'region'],
  handler: () => import('./noop.handler.js'),
})

export const plainOrder = defineJob({
  name: 'bench.order-plain',
  queue: 'bench',
  input: orderInput,
  output: z.object({}),
  handler: () => import('./noop.handler.js'),
})

export const registry = createRegistry({
  queues: [defineQueue({ name: 'bench' })],
  jobs: [noop, latency, grouped, order, plainOrder],
})
