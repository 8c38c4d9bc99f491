import { defineJob } from '@jobq/queue-core'
import { z } from 'zod'
import { rowSchema } from './row.js'

/**
 * Long row-by-row work split into one `demo.row` job per row (`003_*`): rows run in parallel and
 * retry on their own; a row that keeps failing is reported in `failed`, never fatal.
 */
export const rows = defineJob({
  name: 'demo.rows',
  queue: 'default',
  description: 'fans out one demo.row job per row; reports the rows that failed',
  input: z.object({ rows: z.array(rowSchema).min(1).max(10_000) }),
  output: z.object({
    processed: z.number().int(),
    failed: z.array(z.object({ index: z.number().int(), reason: z.string() })),
  }),
  handler: () => import('./rows.handler.js'),
})
