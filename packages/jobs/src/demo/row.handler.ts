import type { HandlerOf } from '@jobq/queue-core'
import type { row } from './row.js'

/** Counts the row's columns; a poisoned row fails every attempt, as a broken input row would. */
const run: HandlerOf<typeof row> = async ({ index, row: values }) => {
  if (values.poison === true) throw new Error(`row ${index} is poisoned`)
  return { index, columns: Object.keys(values).length }
}
export default run
