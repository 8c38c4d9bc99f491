import { defineJob } from '@jobq/queue-core'
import { z } from 'zod'

/**
 * Work done for one tenant, at most 2 at a time per tenant across every worker (flow control,
 * README "Flow control"): a busy tenant queues behind its own limit, never in front of others.
 */
export const tenantTask = defineJob({
  name: 'demo.tenant-task',
  queue: 'default',
  description: 'waits ms milliseconds for a tenant; at most 2 at a time per tenant',
  input: z.object({
    tenant: z.string().min(1).max(200),
    ms: z.number().int().min(0).max(600_000),
  }),
  output: z.object({ tenant: z.string(), tookMs: z.number() }),
  group: { key: (input) => input.tenant, concurrency: 2 },
  handler: () => import('./tenant-task.handler.js'),
})
