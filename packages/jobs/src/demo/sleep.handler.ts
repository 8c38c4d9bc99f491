import { setTimeout as delay } from 'node:timers/promises'
import type { HandlerOf } from '@jobq/queue-core'
import type { sleep } from './sleep.js'

/** Sleeps in ten steps (when long enough to be worth watching), reporting progress after each. */
const run: HandlerOf<typeof sleep> = async ({ ms, message }, { signal, progress }) => {
  const steps = ms >= 1_000 ? 10 : 1
  for (let step = 1; step <= steps; step++) {
    await delay(ms / steps, undefined, { signal })
    if (steps > 1) await progress(step * 10)
  }
  return { sleptMs: ms, message }
}
export default run
