import { defineJob } from '@jobq/queue-core'
import { z } from 'zod'

/** One row of a table: column name → JSON value. `{ "poison": true }` makes the row fail. */
export const rowSchema = z.record(z.string(), z.json())

/** Processes one row of a `demo.rows` job; retried on its own. */
export const row = defineJob({
  name: 'demo.row',
  queue: 'default',
  description: 'processes one row of demo.rows (a row with "poison": true always fails)',
  input: z.object({ index: z.number().int().min(0), row: rowSchema }),
  output: z.object({ index: z.number().int(), columns: z.number().int() }),
  options: { attempts: 3, backoff: { type: 'fixed', delay: 100 } },
  handler: () => import('./row.handler.js'),
})
