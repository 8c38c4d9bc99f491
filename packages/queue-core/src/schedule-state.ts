import type { Redis } from './connection.js'
import { script } from './lua-script.js'
import type { OverlapPolicy } from './schedule-policy.js'

/**
 * The Redis hash of one schedule's runs: the last run started (`lastRunJobId`, `lastRunTick`,
 * `lastRunAt`, epoch ms), the run holding the schedule (`active`, overlap 'skip' and 'queue'),
 * and the ticks skipped (`skipped` count, `lastSkippedTick`, `lastSkippedReason`). Outside every
 * queue's own key space, as idempotency keys are (a queue name holds no `.`), and under the
 * prefix's hash tag, so one script may read it and the holder's lock. Runs held back by overlap
 * 'queue' wait in `<key>:held`.
 */
export function scheduleStateKeyOf(prefix: string, queue: string, schedulerId: string): string {
  return `${prefix}:schedule.${queue}:${schedulerId}`
}

/** Why a tick did not run: its run came late (`missed`) or the previous run was active. */
export type SkipReason = 'missed' | 'overlap'

// Claims the schedule for run ARGV[1] unless another run holds it and that run's BullMQ lock
// (ARGV[2] .. holder .. ':lock') still lives: a crashed run stops holding it once its lock
// expires, and the stalled check hands its job back, which may then claim it again. With
// ARGV[3] = 'queue', runs held back wait in KEYS[2] (tick → job id) and claim in tick order: an
// older held run whose job still exists goes first. With 'allow' nothing is held; the run is only
// recorded as the last. Answers the run that blocks the claim, or false.
const START = script(`
if ARGV[3] ~= 'allow' then
  local holder = redis.call('HGET', KEYS[1], 'active')
  if holder and holder ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. holder .. ':lock') == 1 then
    return holder
  end
  if ARGV[3] == 'queue' then
    while true do
      local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
      if #first == 0 or first[1] == ARGV[1] or tonumber(first[2]) >= tonumber(ARGV[4]) then break end
      if redis.call('EXISTS', ARGV[2] .. first[1]) == 1 then return first[1] end
      redis.call('ZREM', KEYS[2], first[1])
    end
    redis.call('ZREM', KEYS[2], ARGV[1])
  end
  redis.call('HSET', KEYS[1], 'active', ARGV[1])
end
redis.call('HSET', KEYS[1], 'lastRunJobId', ARGV[1], 'lastRunTick', ARGV[4], 'lastRunAt', ARGV[5])
return false`)

// Lets go of the schedule if run ARGV[1] still holds it. Answers the oldest run held back (KEYS[2],
// overlap 'queue'), which is next to claim it, or false.
const FINISH = script(`
if redis.call('HGET', KEYS[1], 'active') == ARGV[1] then redis.call('HDEL', KEYS[1], 'active') end
local first = redis.call('ZRANGE', KEYS[2], 0, 0)
return first[1] or false`)

/** One schedule's record in Redis (see {@link scheduleStateKeyOf}). */
export class ScheduleState {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    /** `<prefix>:<queue>:`: BullMQ's job keys, whose `:lock` says a run is still alive. */
    private readonly jobKeyBase: string,
  ) {}

  /**
   * Records run `jobId` of tick `tick` (epoch ms) as the last, holding the schedule unless
   * `overlap` is 'allow'. Answers the id of the live run that holds it (or, for 'queue', of an
   * older run held back) instead, or null.
   */
  async start(jobId: string, tick: number, overlap: OverlapPolicy): Promise<string | null> {
    const args = [jobId, this.jobKeyBase, overlap, tick, Date.now()]
    const holder = await START(this.redis, [this.key, this.heldKey], args)
    return typeof holder === 'string' ? holder : null
  }

  /** The runs held back by overlap 'queue': a sorted set of job ids by tick. */
  get heldKey(): string {
    return `${this.key}:held`
  }

  /**
   * Lets go of the schedule if run `jobId` holds it. Answers the id of the oldest run held back
   * by overlap 'queue' (the one to claim it next), or null when none waits.
   */
  async finish(jobId: string): Promise<string | null> {
    const next = await FINISH(this.redis, [this.key, this.heldKey], [jobId])
    return typeof next === 'string' ? next : null
  }

  /** True when run `jobId` was held back by overlap 'queue' (worker/schedule-gate.ts). */
  async wasHeld(jobId: string): Promise<boolean> {
    return (await this.redis.zscore(this.heldKey, jobId)) !== null
  }

  /** Records `count` ticks skipped, the last of them `tick`. */
  async skipped(tick: number, reason: SkipReason, count = 1): Promise<void> {
    await this.redis
      .multi()
      .hincrby(this.key, 'skipped', count)
      .hset(this.key, 'lastSkippedTick', tick, 'lastSkippedReason', reason)
      .exec()
  }
}

/** What {@link readScheduleStates} answers: the fields above, parsed; null when never written. */
export interface ScheduleRecord {
  lastRun: { jobId: string; tick: number; at: number } | null
  skipped: number
  lastSkipped: { tick: number; reason: SkipReason } | null
}

/**
 * Reads the records of `keys` in one round trip (a pipeline: the keys share the prefix's hash
 * tag), in order. Rejects with the first error Redis answered.
 */
export async function readScheduleStates(
  redis: Redis,
  keys: readonly string[],
): Promise<ScheduleRecord[]> {
  if (!keys.length) return []
  const pipeline = redis.pipeline()
  for (const key of keys) pipeline.hgetall(key)
  const replies = (await pipeline.exec()) ?? []
  return replies.map(([err, hash]) => {
    if (err) throw err
    return parseScheduleState(hash as Record<string, string>)
  })
}

/** A schedule's record from its hash (HGETALL's answer; empty when never written). */
function parseScheduleState(h: Record<string, string>): ScheduleRecord {
  return {
    lastRun: h.lastRunJobId
      ? { jobId: h.lastRunJobId, tick: Number(h.lastRunTick), at: Number(h.lastRunAt) }
      : null,
    skipped: Number(h.skipped ?? 0),
    lastSkipped: h.lastSkippedTick
      ? { tick: Number(h.lastSkippedTick), reason: h.lastSkippedReason as SkipReason }
      : null,
  }
}
