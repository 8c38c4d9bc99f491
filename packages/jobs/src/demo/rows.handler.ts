import type { HandlerOf } from '@jobq/queue-core'
import type { rows } from './rows.js'

/** Parks until every row job has finished (ctx.fanOut), then sums up; progress comes per row. */
const run: HandlerOf<typeof rows> = async ({ rows: input }, { fanOut }) => {
  const outcomes = await fanOut(
    input.map((row, index) => ({ name: 'demo.row', data: { index, row } })),
  )
  const failed = outcomes.flatMap((o) =>
    o.state === 'failed' ? [{ index: o.index, reason: o.reason }] : [],
  )
  return { processed: outcomes.length - failed.length, failed }
}
export default run
