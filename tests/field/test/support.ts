import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'

/** The built worker: the field suite runs what production runs. */
export const workerMain = fileURLToPath(
  new URL('../../../apps/worker/dist/main.js', import.meta.url),
)

/** A fixture file of this suite, by name. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))
}

/** Polls `read` until `check` passes (for state that changes without an event to await). */
export async function eventually<T>(
  read: () => T | Promise<T>,
  check: (value: T) => boolean,
  ms = 20_000,
  every = 50,
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await read()
    if (check(value)) return value
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${String(value)}`)
    await sleep(every)
  }
}
