import type { Queue } from 'bullmq'
import type { ChainableCommander } from 'ioredis'
import type { Redis } from '../connection.js'
import type { AnyJobDefinition } from '../define-job.js'
import { script } from '../lua-script.js'
import { searchValueOf } from '../search-fields.js'

// The search index (README "Search"). Per declared field value, one sorted set
// `<prefix>:<queue>:idx:<job>:<field>:<value>` of job ids scored by enqueue time (ms), and per
// queue one set `<prefix>:<queue>:idx` naming those sorted sets (the suffix after `idx:`), so a
// sweep finds them without SCAN. Every key shares the prefix's hash tag with the queue's jobs.
//
// Kept in step with the jobs three ways: jobq drops a job's entries itself where it removes the
// job (cancel); a search prunes the entries it meets whose job hash is gone; and clean/empty
// (and retention, which BullMQ runs in its own scripts) are caught up by a bounded sweep
// ({@link sweepIndex}) that clean and empty run after removing.

/** The queue's set naming its index keys. */
function indexSetKey(queue: Queue): string {
  return queue.toKey('idx')
}

function indexSuffix(name: string, field: string, value: string): string {
  return `${name}:${field}:${value}`
}

/** The suffixes (`<job>:<field>:<value>`) a job with `data` is indexed under. */
export function entriesOf(definition: AnyJobDefinition, data: unknown): string[] {
  const entries: string[] = []
  const record = (data ?? {}) as Record<string, unknown>
  for (const field of definition.search ?? []) {
    const value = searchValueOf(record[field])
    if (value !== undefined) entries.push(indexSuffix(definition.name, field, value))
  }
  return entries
}

/**
 * Queues the index writes of job `id` (enqueued at `at` ms) on `multi`, next to its add: one
 * ZADD per indexed field and one SADD naming the keys.
 */
export function queueIndexWrites(
  multi: ChainableCommander,
  queue: Queue,
  entries: readonly string[],
  id: string,
  at: number,
): void {
  if (entries.length === 0) return
  for (const entry of entries) multi.zadd(queue.toKey(`idx:${entry}`), at, id)
  multi.sadd(indexSetKey(queue), ...entries)
}

/** Drops job `id`'s entries (`entriesOf` its data) at once: where jobq itself removes a job. */
export async function dropEntries(
  redis: Redis,
  queue: Queue,
  entries: readonly string[],
  id: string,
): Promise<void> {
  if (entries.length === 0) return
  const pipeline = redis.pipeline()
  for (const entry of entries) pipeline.zrem(queue.toKey(`idx:${entry}`), id)
  await pipeline.exec()
}

// Prunes, of up to ARGV[2] of KEYS[1]'s ids from rank ARGV[4] (oldest first), those whose job hash `ARGV[1] .. id` is gone;
// forgets the key in the queue's set (KEYS[2]) once it is empty. Same slot: the prefix's tag.
// Answers { examined, removed, left }.
const PRUNE = script(`
local start = tonumber(ARGV[4])
local ids = redis.call('ZRANGE', KEYS[1], start, start + tonumber(ARGV[2]) - 1)
local removed = 0
for _, id in ipairs(ids) do
  if redis.call('EXISTS', ARGV[1] .. id) == 0 then
    redis.call('ZREM', KEYS[1], id)
    removed = removed + 1
  end
end
local left = redis.call('ZCARD', KEYS[1])
if left == 0 then redis.call('SREM', KEYS[2], ARGV[3]) end
return { #ids, removed, left }
`)

/** Entries of one index key examined per prune call (one Lua call holds Redis this long). */
const PRUNE_BATCH = 1_000

/** What a {@link sweepIndex} did. */
interface SweepResult {
  /** Entries examined. */
  examined: number
  /** Entries removed: their job was gone. */
  removed: number
  /** False when the budget ran out before every index key was swept. */
  complete: boolean
}

/**
 * Removes the index entries of `queue` whose job is gone, examining at most `budget` entries
 * (default 100,000), a key at a time from its oldest entry, {@link PRUNE_BATCH} entries per Lua
 * call (so Redis is never held long). Reads the queue's set of index keys whole (SMEMBERS): its
 * size is the number of distinct indexed values.
 */
export async function sweepIndex(
  redis: Redis,
  queue: Queue,
  budget = 100_000,
): Promise<SweepResult> {
  const result: SweepResult = { examined: 0, removed: 0, complete: true }
  const suffixes = await redis.smembers(indexSetKey(queue))
  for (const suffix of suffixes) {
    for (let start = 0; ;) {
      if (result.examined >= budget) return { ...result, complete: false }
      const batch = Math.min(PRUNE_BATCH, budget - result.examined)
      const [examined, removed] = (await PRUNE(
        redis,
        [queue.toKey(`idx:${suffix}`), indexSetKey(queue)],
        [queue.toKey(''), batch, suffix, start],
      )) as number[]
      result.examined += examined!
      result.removed += removed!
      // The live entries of this batch stay in front of the next one.
      start += examined! - removed!
      if (examined! < batch) break
    }
  }
  return result
}
