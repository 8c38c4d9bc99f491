import type { HandlerOf } from '@jobq/queue-core'
import type { summarize } from './summarize.js'

// `pid` tells which worker process ran it: the tests prove it was a `reports` worker.
const run: HandlerOf<typeof summarize> = async ({ title, values }) => {
  const sum = values.reduce((total, value) => total + value, 0)
  return {
    title,
    count: values.length,
    sum,
    mean: sum / values.length,
    min: Math.min(...values),
    max: Math.max(...values),
    pid: process.pid,
  }
}
export default run
