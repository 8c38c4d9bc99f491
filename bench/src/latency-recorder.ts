/**
 * Enqueue → handler-start delays seen in this (worker child) process, sent to the parent in
 * batches so the reporting does not load the loop it measures.
 */
let pending: number[] = []

export function recordStart(enqueuedAt: number): void {
  pending.push(Date.now() - enqueuedAt)
  if (pending.length === 1) setTimeout(flush, 100)
}

function flush() {
  const batch = pending
  pending = []
  process.send?.({ type: 'latencies', values: batch })
}
