import { setTimeout as delay } from 'node:timers/promises'
import type { HandlerOf } from '@jobq/queue-core'
import type { ledger } from './ledger.js'

/**
 * Adds each row's amount to the running total, in order, from the last checkpoint on; saves
 * `{ index, total }` (index: the next row to add) every `checkpointEvery` rows.
 */
const run: HandlerOf<typeof ledger> = async ({ rows, checkpointEvery, rowCostMs }, ctx) => {
  const start = ctx.resume ?? { index: 0, total: 0 }
  let total = start.total
  for (let index = start.index; index < rows.length; index++) {
    if (rowCostMs > 0) await delay(rowCostMs, undefined, { signal: ctx.signal })
    total += rows[index]!.amount
    const next = index + 1
    if (next % checkpointEvery === 0 && next < rows.length) {
      ctx.signal.throwIfAborted()
      await ctx.checkpoint({ index: next, total })
    }
  }
  return { total, resumedFrom: start.index, processed: rows.length - start.index }
}
export default run
