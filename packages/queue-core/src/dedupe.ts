import type { DeduplicationOptions } from 'bullmq'

/**
 * How a job's enqueues with one key are folded (see {@link JobDedupe}):
 * - `dedupe`: drop a duplicate while the key's job is queued or running;
 * - `throttle`: at most one job per key per window (the first wins);
 * - `debounce`: keep only the last payload and run it once after `ttlMs` of quiet.
 */
type DedupeMode = 'dedupe' | 'throttle' | 'debounce'

/** The modes {@link DedupeMode} names, for checks and docs. */
const DEDUPE_MODES: readonly DedupeMode[] = ['dedupe', 'throttle', 'debounce']

/**
 * `dedupe` on a job definition: BullMQ's deduplication, keyed by the job's input. The key is
 * namespaced by the job's name, so two jobs never share one.
 */
export interface JobDedupe<Input = unknown> {
  /**
   * The key of an input: enqueues of one job with equal keys are folded by `mode`. A non-empty
   * string (at most 512 characters); any other answer refuses the enqueue (JobValidationError).
   * A method, so a definition typed by its input is still an `AnyJobDefinition`.
   */
  key(input: Input): string
  /**
   * The window, in ms (a positive integer). Required for `throttle` (the window of one job) and
   * `debounce` (the quiet time before the last payload runs). Optional for `dedupe`: without it
   * the key is held until its job finishes (completed, failed for good, or removed); with it, at
   * most `ttlMs` from the enqueue, even if the job still waits or runs.
   */
  ttlMs?: number
  mode: DedupeMode
}

/** Most characters a dedupe key may have: it is part of a Redis key. */
const MAX_KEY_LENGTH = 512

/**
 * Refuses a bad `dedupe` declaration at `defineJob`: a TypeError naming the job and what to
 * change (unknown mode, key not a function, `ttlMs` not a positive integer or missing where the
 * mode needs one).
 */
export function checkDedupe(job: string, dedupe: JobDedupe<never> | undefined): void {
  if (dedupe === undefined) return
  const fail = (what: string) => {
    throw new TypeError(`job "${job}": dedupe.${what}`)
  }
  const { mode, ttlMs } = dedupe as { mode: unknown; ttlMs?: unknown }
  if (!DEDUPE_MODES.includes(mode as DedupeMode)) {
    fail(`mode must be one of ${DEDUPE_MODES.join(', ')}, not ${JSON.stringify(mode)}`)
  }
  if (typeof dedupe.key !== 'function') fail('key must be a function of the input')
  if (ttlMs === undefined) {
    if (mode !== 'dedupe') fail(`ttlMs is required by mode "${String(mode)}"`)
    return
  }
  if (typeof ttlMs !== 'number' || !Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    fail(`ttlMs must be a positive whole number of ms, not ${JSON.stringify(ttlMs)}`)
  }
}

/** What {@link dedupeKeyOf} makes of a key function's answer: the key, or why it is refused. */
export type DedupeKey = { id: string } | { problem: string }

/** The dedupe id BullMQ keeps for `input` of `job`: `<job name>:<key>`, or why it cannot. */
export function dedupeKeyOf(job: string, dedupe: JobDedupe, input: unknown): DedupeKey {
  let key: unknown
  try {
    key = dedupe.key(input)
  } catch (err) {
    return { problem: `the dedupe key of this input failed: ${(err as Error).message}` }
  }
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    return { problem: `the dedupe key must be a string of 1-${MAX_KEY_LENGTH} characters` }
  }
  return { id: `${job}:${key}` }
}

/**
 * BullMQ's `deduplication` option for one enqueue with dedupe id `id`, and the delay a
 * `debounce` job waits:
 * - `dedupe`: `{ id }` (held until the job finishes: BullMQ deletes it at completion, final
 *   failure and removal), or `{ id, ttl }` with `ttlMs`;
 * - `throttle`: `{ id, ttl }`: BullMQ sets the key with `PX ttl NX`, so the first job holds it
 *   for the window, finished or not;
 * - `debounce`: `{ id, ttl, extend, replace }` and `delay: ttlMs`: a new enqueue removes the
 *   pending (delayed) job and adds itself with a fresh delay and a fresh key lifetime, so the
 *   key lapses exactly when the last job falls due. A job no longer delayed (a worker took it,
 *   or it is due) is never replaced: within the key's life the newcomer is dropped, after it a
 *   new window begins.
 */
export function bullDedupeOf(
  dedupe: JobDedupe,
  id: string,
): { deduplication: DeduplicationOptions; delay?: number } {
  const { mode, ttlMs } = dedupe
  if (mode === 'debounce') {
    return { deduplication: { id, ttl: ttlMs!, extend: true, replace: true }, delay: ttlMs! }
  }
  return { deduplication: ttlMs === undefined ? { id } : { id, ttl: ttlMs } }
}
