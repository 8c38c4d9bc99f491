import { fileURLToPath } from 'node:url'

/** The built worker: the field suite runs what production runs. */
export const workerMain = fileURLToPath(
  new URL('../../../apps/worker/dist/main.js', import.meta.url),
)

/** A fixture file of this suite, by name. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))
}

/** The one polling helper (for state that changes without an event to await). */
export { eventually } from '@jobq/queue-core/testing'
