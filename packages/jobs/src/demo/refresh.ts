import { defineJob } from '@jobq/queue-core'
import { z } from 'zod'

/**
 * Rebuilds a (pretend) cached view of one key. A refresh of a key already waiting or running
 * covers a new request for it, so a burst of requests queues one job per key (`dedupe`).
 */
export const refresh = defineJob({
  name: 'demo.refresh',
  queue: 'default',
  description:
    'rebuilds the cached view of key; a request while one is queued or running is deduplicated',
  input: z.object({
    key: z.string().min(1).max(200),
    ms: z.number().int().min(0).max(60_000).default(0),
  }),
  output: z.object({ key: z.string(), refreshedAt: z.iso.datetime() }),
  dedupe: { key: ({ key }) => key, mode: 'dedupe' },
  handler: () => import('./refresh.handler.js'),
})
