import type { HandlerOf } from '@jobq/queue-core'
import { recordStart } from '../latency-recorder.js'
import type { latency } from './registry.js'

const run: HandlerOf<typeof latency> = async ({ t }) => {
  recordStart(t)
  return {}
}
export default run
