import { defineJob } from '@jobq/queue-core'
import { z } from 'zod'

/**
 * Row-by-row work where each row needs what the rows before it produced (the first path of the
 * `003_*` seed): a running total carried from row to row, checkpointed as `{ index, total }`
 * every `checkpointEvery` rows, so an attempt after a crash, a timeout or a shutdown starts at
 * the last checkpoint instead of row 0. Rows after that checkpoint run again (at least once).
 */
export const ledger = defineJob({
  name: 'demo.ledger',
  queue: 'default',
  description: 'sums rows in order, checkpointing { index, total } every checkpointEvery rows',
  input: z.object({
    rows: z.array(z.object({ amount: z.number() })).max(100_000),
    checkpointEvery: z.number().int().min(1).max(100_000).default(100),
    /** A pretend cost per row, in ms (a pause; 0: none), for demos and crash tests. */
    rowCostMs: z.number().int().min(0).max(1_000).default(0),
  }),
  output: z.object({
    total: z.number(),
    /** The row this attempt started from: the saved checkpoint's `index`, else 0. */
    resumedFrom: z.number().int(),
    /** Rows this attempt processed. */
    processed: z.number().int(),
  }),
  checkpoint: z.object({ index: z.number().int().min(0), total: z.number() }),
  options: { attempts: 5, backoff: { type: 'fixed', delay: 1_000 } },
  handler: () => import('./ledger.handler.js'),
})
