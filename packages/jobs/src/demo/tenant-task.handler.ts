import { setTimeout as delay } from 'node:timers/promises'
import type { HandlerOf } from '@jobq/queue-core'
import type { tenantTask } from './tenant-task.js'

const run: HandlerOf<typeof tenantTask> = async ({ tenant, ms }, { signal }) => {
  await delay(ms, undefined, { signal })
  return { tenant, tookMs: ms }
}
export default run
