import { randomUUID } from 'node:crypto'

/**
 * A new job id for `queue`: a random UUID (version 4) whose last four hex digits are a hint of
 * its queue ({@link queueHint}), so a lookup by id asks that queue first (`find-job.ts`): one
 * `HEXISTS` whatever the number of queues, where a plain UUID needs one per queue. The id keeps
 * 106 random bits (a v4 UUID has 122), and is a UUID like any other to whoever reads it.
 */
export function newJobId(queue: string): string {
  return randomUUID().slice(0, 32) + queueHint(queue)
}

/**
 * The hint of `queue` that ends the ids {@link newJobId} makes for it: 16 bits of its name's
 * FNV-1a hash (http://www.isthe.com/chongo/tech/comp/fnv/), as four lower-case hex digits. Two
 * queues may share a hint; the lookup then asks both.
 */
export function queueHint(queue: string): string {
  let hint = hints.get(queue)
  if (hint === undefined) hints.set(queue, (hint = fnv16(queue)))
  return hint
}

/** Hints by queue name: as many as the registry has queues. */
const hints = new Map<string, string>()

function fnv16(queue: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < queue.length; i++) {
    hash = Math.imul(hash ^ queue.charCodeAt(i), 0x01000193) >>> 0
  }
  return ((hash ^ (hash >>> 16)) & 0xffff).toString(16).padStart(4, '0')
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The queue hint an id may carry: its last four digits when it is a UUID, else `undefined`. */
export function hintOf(id: string): string | undefined {
  return id.length === 36 && UUID.test(id) ? id.slice(32) : undefined
}
