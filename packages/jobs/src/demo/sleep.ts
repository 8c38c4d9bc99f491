import { defineJob } from '@jobq/queue-core'
import { z } from 'zod'

/** Waits `ms`, then returns: stands in for slow work (`004_*`'s save_to_file). */
export const sleep = defineJob({
  name: 'demo.sleep',
  queue: 'default',
  description: 'waits ms milliseconds, reporting progress, then returns',
  input: z.object({
    ms: z.number().int().min(0).max(600_000),
    message: z.string().max(10_000).default(''),
  }),
  output: z.object({ sleptMs: z.number(), message: z.string() }),
  options: { attempts: 3, backoff: { type: 'exponential', delay: 1_000 }, timeoutMs: 660_000 },
  handler: () => import('./sleep.handler.js'),
})
