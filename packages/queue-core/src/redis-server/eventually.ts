import { setTimeout as sleep } from 'node:timers/promises'
import { inspect } from 'node:util'

/** Options of {@link eventually}. */
export interface EventuallyOptions {
  /** What the caller waits for, quoted on timeout. @defaultValue the source of `check` (or `read`) */
  what?: string
  /** @defaultValue 20_000 */
  timeoutMs?: number
  /** Pause between two reads. @defaultValue 50 */
  intervalMs?: number
}

/**
 * The one polling helper, for state that changes without an event to await (a record written
 * within a heartbeat, a replica in sync, a counter in Redis). Reads `read()` every `intervalMs`
 * until `check(value)` holds and returns that value. A read that throws counts as "not yet" (a
 * Redis mid-failover, a port not listening yet) and is kept for the report.
 *
 * @param options - an {@link EventuallyOptions}, or a number: the timeout in ms
 * @throws Error `timed out after <ms> ms waiting for <what>; last value: <value>` (or `last
 *   error: <message>`) once `timeoutMs` has passed without `check` holding
 */
export async function eventually<T>(
  read: () => T | Promise<T>,
  check: (value: T) => boolean = Boolean,
  options: EventuallyOptions | number = {},
): Promise<T> {
  const {
    timeoutMs = 20_000,
    intervalMs = 50,
    what,
  } = typeof options === 'number' ? { timeoutMs: options } : options
  const deadline = Date.now() + timeoutMs
  let last: { value: T } | { error: unknown } | undefined
  for (;;) {
    try {
      const value = await read()
      if (check(value)) return value
      last = { value }
    } catch (error) {
      last = { error }
    }
    if (Date.now() >= deadline) {
      const waited = what ?? describe(check === Boolean ? read : check)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${waited}; ${lastSeen(last)}`)
    }
    await sleep(intervalMs)
  }
}

/** A function's source on one line, short: the best description a call site gives for free. */
function describe(fn: (...args: never[]) => unknown): string {
  return fn.toString().replace(/\s+/g, ' ').slice(0, 200)
}

function lastSeen(last: { value: unknown } | { error: unknown } | undefined): string {
  if (!last) return 'nothing read'
  if ('error' in last) {
    return `last error: ${last.error instanceof Error ? last.error.message : String(last.error)}`
  }
  // Maps and Sets print their entries; deep objects are cut rather than flooding the report.
  const shown = inspect(last.value, { depth: 4, breakLength: Infinity, maxArrayLength: 20 })
  return `last value: ${shown.slice(0, 1_000)}`
}
