import type { Queue } from 'bullmq'
import type { Redis } from '../connection.js'
import { toPublicState, type JobState } from '../job-state.js'
import { script } from '../lua-script.js'

// The states of a search page's jobs in one call. BullMQ's own lookup (`getState`) finds a
// waiting job by walking the wait list from its newest end (LPOS, or LRANGE of the whole list
// before Redis 6.0.6): a search page of a customer whose 50 newest jobs lie up to 50,000 places
// deep in a wait list of 1,000,000 took 46 ms (median; 128 ms with a second field, whose matches
// lie deeper), most of it in those walks. Here the sorted sets and the short active list answer;
// a job found in none of them, whose hash exists, is in `wait` or `paused` (the lists only a
// worker's move takes it from, atomically), which both read as `waiting`: no list is walked.
//
// KEYS: completed, failed, delayed, prioritized, waiting-children, active (same slot: the
// prefix's hash tag). ARGV[1]: the job key prefix; ARGV[2..]: ids. Answers, per id, its state or
// false when its hash is gone.
const STATES = script(`
local out = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  local state = false
  if redis.call('EXISTS', ARGV[1] .. id) == 1 then
    if redis.call('ZSCORE', KEYS[1], id) then state = 'completed'
    elseif redis.call('ZSCORE', KEYS[2], id) then state = 'failed'
    elseif redis.call('ZSCORE', KEYS[3], id) then state = 'delayed'
    elseif redis.call('ZSCORE', KEYS[4], id) then state = 'prioritized'
    elseif redis.call('ZSCORE', KEYS[5], id) then state = 'waiting-children'
    elseif redis.call('LPOS', KEYS[6], id) then state = 'active'
    else state = 'waiting' end
  end
  out[i - 1] = state
end
return out
`)

const KEYS = ['completed', 'failed', 'delayed', 'prioritized', 'waiting-children', 'active']

/**
 * The public state of each of `ids` (in order), `undefined` for one whose job hash is gone.
 * One Lua call, O(1) per id but for the active list (as long as the jobs running now).
 */
export async function statesOf(
  redis: Redis,
  queue: Queue,
  ids: readonly string[],
): Promise<(JobState | undefined)[]> {
  if (ids.length === 0) return []
  const keys = KEYS.map((key) => queue.toKey(key))
  const states = (await STATES(redis, keys, [queue.toKey(''), ...ids])) as (string | null)[]
  return states.map((state) => (state ? toPublicState(state) : undefined))
}
