import { setTimeout as delay } from 'node:timers/promises'
import type { HandlerOf } from '@jobq/queue-core'
import type { refresh } from './refresh.js'

/** Takes `ms` (the rebuild), then answers when it finished. */
const run: HandlerOf<typeof refresh> = async ({ key, ms }, { signal }) => {
  await delay(ms, undefined, { signal })
  return { key, refreshedAt: new Date().toISOString() }
}
export default run
