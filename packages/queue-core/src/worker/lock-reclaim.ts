import type { Redis } from '../connection.js'

/**
 * Takes back the locks of runs that outlived a Redis outage.
 *
 * A Redis restarted from its AOF expires every lock whose time passed while it was down, so a run
 * that overlapped an outage longer than half the lock (`JOBQ_LOCK_MS`) comes back to a job with
 * no lock: BullMQ then refuses its renewal ("could not renew lock") and its outcome ("Missing lock
 * for job … moveToFinished"), the stalled check starts the job again, and a job that had finished
 * ran twice, or failed on its attempt budget although its handler succeeded.
 *
 * Such a lock is free to take back while the job is still in the queue's `active` list with no
 * lock at all: nobody else can be running it, since every start (BullMQ's `moveToActive`) sets a
 * lock in the same script that makes the job active, and the stalled check takes a lock-less job
 * out of `active` in one script. One script decides, per job: its lock still holds this run's
 * token (renew, as BullMQ's `extendLock`), or it has none and the job is active (take it back);
 * else the run has lost the job for good (another worker took it over, it was moved or removed).
 * The job leaves the `stalled` set either way it is kept, as BullMQ's renewal does.
 *
 * Only called after BullMQ's own renewal or finish was refused: the hot path pays nothing.
 */
const RECLAIM_LUA = `
local lost = {}
for i = 3, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local lockKey = ARGV[1] .. id .. ':lock'
  local held = redis.call('GET', lockKey)
  if held == token or (not held and redis.call('LPOS', KEYS[1], id)) then
    redis.call('SET', lockKey, token, 'PX', ARGV[2])
    redis.call('SREM', KEYS[2], id)
  else
    lost[#lost + 1] = id
  end
end
return lost
`

/** The keys of one queue the script reads: BullMQ's `keys.active`, `keys.stalled` and its base. */
export interface LockedQueueKeys {
  active: string
  stalled: string
  /** `<prefix>:<queue>:`, BullMQ's `toKey('')`. */
  base: string
}

/**
 * Renews or takes back the lock of each `[jobId, token]` run for `lockMs` (see above); answers
 * the ids whose lock is lost for good. Needs Redis >= 6.0.6 (`LPOS`). Throws what the connection
 * throws (Redis away).
 */
export async function reclaimLocks(
  redis: Redis,
  keys: LockedQueueKeys,
  runs: readonly (readonly [string, string])[],
  lockMs: number,
): Promise<string[]> {
  if (!runs.length) return []
  const args = runs.flatMap(([id, token]) => [id, token])
  return (await redis.eval(
    RECLAIM_LUA,
    2,
    keys.active,
    keys.stalled,
    keys.base,
    lockMs,
    ...args,
  )) as string[]
}

/** BullMQ's refusal of an outcome whose lock is gone (`finished-errors.js`, code -2). */
export function isLockMissing(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('Missing lock for job')
}
