import type { Job, Queue } from 'bullmq'
import type { Redis } from './connection.js'

/**
 * Results longer than this (characters of JSON) are stored aside, in the job's own hash, and
 * BullMQ is handed a small marker instead. BullMQ copies a job's `returnvalue` into the queue's
 * events stream (every `completed` event, kept up to `streams.events.maxLen`, 10,000) and into a
 * fan-out parent's processed hash: 1,000 results of 500 KB left 501 MiB in the stream. Below the
 * cap nothing changes but one `JSON.stringify` of the result (1.4 µs for `demo.echo`'s, measured
 * on a loaded 2-core machine, against about 300 µs per job a worker spends at concurrency 1).
 */
export const RESULT_INLINE_MAX_CHARS = 16 * 1024

/** The field of the job's hash that holds a result stored aside (it goes with the job). */
const RESULT_FIELD = 'jobqResult'

/** What BullMQ stores as `returnvalue` for a result stored aside. */
export interface StoredResultMarker {
  $jobqResult: { chars: number }
}

// Writes the field only while the job's hash exists: a job removed meanwhile is not brought back
// as a hash holding nothing but its result.
const STORE_SCRIPT = `if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return -1`

/**
 * The value the worker hands BullMQ for a handler's `result`: the result itself when its JSON is
 * at most {@link RESULT_INLINE_MAX_CHARS}, else a {@link StoredResultMarker} after the JSON is
 * written to the job's hash. Callers read it back with {@link resolveResult}.
 */
export async function storeBigResult(
  connection: Redis,
  queue: Queue,
  job: Job,
  result: unknown,
): Promise<unknown> {
  if (result === undefined || result === null || typeof result !== 'object') return result
  const json = JSON.stringify(result)
  if (json.length <= RESULT_INLINE_MAX_CHARS) return result
  await connection.eval(STORE_SCRIPT, 1, queue.toKey(job.id ?? ''), RESULT_FIELD, json)
  const marker: StoredResultMarker = { $jobqResult: { chars: json.length } }
  return marker
}

/** True for the marker {@link storeBigResult} hands BullMQ. */
export function isResultMarker(value: unknown): value is StoredResultMarker {
  return (
    typeof value === 'object' &&
    value !== null &&
    '$jobqResult' in value &&
    Object.keys(value).length === 1
  )
}

/**
 * The whole result of the job at `jobKey` (`<prefix>:<queue>:<id>`): `value` itself, or, when it
 * is a marker, the JSON stored aside (null when the job is gone).
 */
export async function resolveResult(
  connection: Redis,
  jobKey: string,
  value: unknown,
): Promise<unknown> {
  if (!isResultMarker(value)) return value
  const json = await connection.hget(jobKey, RESULT_FIELD)
  return json === null ? null : (JSON.parse(json) as unknown)
}
