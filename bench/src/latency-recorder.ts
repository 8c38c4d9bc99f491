/**
 * Enqueue → handler-start delays seen in this (worker child) process, sent to the parent in
 * batches so the reporting does not load the loop it measures.
 */
let pending: number[] = []

/**
 * Microseconds on the system's monotonic clock (CLOCK_MONOTONIC, shared by every process of the
 * machine): the enqueuing process stamps a job with it, the worker reads it again. `Date.now()`
 * counts whole milliseconds, too coarse for delays of 2-5 ms (a 2 vs 3 ms tie read as 0.67).
 */
export const monotonicMicros = () => Number(process.hrtime.bigint() / 1_000n)

/** Records the delay (ms) of a job stamped with {@link monotonicMicros} at enqueue. */
export function recordStart(enqueuedAtMicros: number): void {
  pending.push((monotonicMicros() - enqueuedAtMicros) / 1_000)
  if (pending.length === 1) setTimeout(flush, 100)
}

function flush() {
  const batch = pending
  pending = []
  process.send?.({ type: 'latencies', values: batch })
}
