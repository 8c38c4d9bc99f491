import { setTimeout as delay } from 'node:timers/promises'
import type { HandlerOf } from '@jobq/queue-core'
import type { sleep } from './sleep.js'

/**
 * Sleeps in ten steps (when long enough to be worth watching), reporting progress and writing a
 * line to the job's log (`jobq logs ID --follow`, the dashboard's Logs tab) after each.
 */
const run: HandlerOf<typeof sleep> = async ({ ms, message }, ctx) => {
  const { signal, progress } = ctx
  const steps = ms >= 1_000 ? 10 : 1
  if (steps > 1) ctx.log.info({ ms, steps }, 'sleeping %d ms in %d steps', ms, steps)
  for (let step = 1; step <= steps; step++) {
    await delay(ms / steps, undefined, { signal })
    if (steps === 1) continue
    await progress(step * 10)
    ctx.log.info({ step }, 'step %d of %d done', step, steps)
  }
  if (steps > 1) ctx.log.info({ message }, 'slept %d ms', ms)
  return { sleptMs: ms, message }
}
export default run
