import { defineJob } from '@jobq/queue-core'
import { z } from 'zod'

/**
 * Charges a (pretend) order. Searchable by customer and region (`GET /v1/jobs?name=demo.order&
 * customerId=c42`); a negative amount can never be charged, so it fails permanently.
 */
export const order = defineJob({
  name: 'demo.order',
  queue: 'default',
  description: 'charges an order; search by customerId or region; a negative amount fails for good',
  input: z.object({
    customerId: z.string().min(1).max(100),
    region: z.string().min(1).max(50),
    amount: z.number(),
  }),
  output: z.object({ customerId: z.string(), charged: z.number() }),
  search: ['customerId', 'region'],
  options: { attempts: 3, backoff: { type: 'exponential', delay: 1_000 } },
  handler: () => import('./order.handler.js'),
})
