import { defineJob } from '@jobq/queue-core'
import { z } from 'zod'

/**
 * Uses the big file its worker process preloaded once at boot (`000_*`): every job of one process
 * reports the same `loadedAt` and `pid`.
 */
export const bigFile = defineJob({
  name: 'demo.big-file',
  queue: 'big_file',
  description: 'reports the size of the file preloaded by its worker process',
  input: z.object({}),
  output: z.object({ bytes: z.number().int(), loadedAt: z.iso.datetime(), pid: z.number().int() }),
  handler: () => import('./big-file.handler.js'),
})
