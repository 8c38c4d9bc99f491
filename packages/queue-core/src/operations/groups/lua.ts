import { script } from '../../lua-script.js'

// The gate's Redis side. Every script takes ARGV[1] the group base (`<prefix>:groups.<queue>`),
// ARGV[2] BullMQ's queue base (`<prefix>:<queue>:`), ARGV[3] the caller's clock in ms, and, after
// its own arguments, the queue's grouped jobs' limits as quads (job, concurrency, rate max or 0,
// rate duration). KEYS[1] is `<group base>:load`: it routes the call to the queue's cluster slot,
// which every key built below shares (the prefix's hash tag). Keys per group id (`<job> <key>`):
// `:p:<gid>` list of held-back ids, `:h:<gid>` set of ids holding a slot, `:r:<gid>` zset of starts
// (score: the job's processedOn, or +inf while dispatched and not started). Per queue: `:held`
// hash id → gid (what the sweep walks), `:load` zset gid → held-back + slot-holding jobs,
// `:limits` hash gid → "concurrency max duration" (the run-time overrides).
const COMMON = `
local rcall = redis.call
local Q, B, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local defaults = {}
local function readDefaults(from)
  local i = from
  while ARGV[i + 3] do
    defaults[ARGV[i]] = { tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]) }
    i = i + 4
  end
end

-- A key's limits: its override, else its job's definition; a job no longer grouped is let through.
local function limitsOf(gid)
  local override = rcall('HGET', Q .. ':limits', gid)
  if override then
    local c, m, d = string.match(override, '^(%d+) (%d+) (%d+)$')
    return tonumber(c), tonumber(m), tonumber(d)
  end
  local def = defaults[string.match(gid, '^(%S+) ')]
  if def then return def[1], def[2], def[3] end
  return 1000000000, 0, 0
end

local function adjustLoad(gid, delta)
  if tonumber(rcall('ZINCRBY', Q .. ':load', delta, gid)) <= 0 then
    rcall('ZREM', Q .. ':load', gid)
  end
end

-- BullMQ 6.7's isQueuePausedOrMaxed (includes/isQueuePausedOrMaxed.lua).
local function isPausedOrMaxed()
  local attrs = rcall('HMGET', B .. 'meta', 'paused', 'concurrency')
  if attrs[1] then return true end
  if attrs[2] then return rcall('LLEN', B .. 'active') >= tonumber(attrs[2]) end
  return false
end

-- What BullMQ 6.7's promote-9.lua does once its ZREM of the delayed job succeeded: into wait
-- (LPUSH, FIFO) or prioritized, the marker that wakes a blocked worker, the 'waiting' event.
local function promote(id, pausedOrMaxed)
  local jobKey = B .. id
  local priority = tonumber(rcall('HGET', jobKey, 'priority')) or 0
  local marker = rcall('LINDEX', B .. 'wait', 0)
  if marker and string.sub(marker, 1, 2) == '0:' then rcall('LPOP', B .. 'wait') end
  if priority == 0 then
    rcall('LPUSH', B .. 'wait', id)
  else
    local counter = rcall('INCR', B .. 'pc')
    rcall('ZADD', B .. 'prioritized', priority * 0x100000000 + counter % 0x100000000, id)
  end
  if not pausedOrMaxed then rcall('ZADD', B .. 'marker', 0, '0') end
  rcall('XADD', B .. 'events', '*', 'event', 'waiting', 'jobId', id, 'prev', 'delayed')
  rcall('HSET', jobKey, 'delay', 0)
end

-- The starts counted in a key's window (now - d, now]: a started job by its processedOn, a
-- dispatched one not started yet as +inf (it may start at any moment), a vanished one not at all.
local function rateUsed(rkey, d)
  rcall('ZREMRANGEBYSCORE', rkey, '-inf', now - d)
  for _, id in ipairs(rcall('ZRANGEBYSCORE', rkey, '+inf', '+inf')) do
    local started = rcall('HGET', B .. id, 'processedOn')
    if started then
      rcall('ZADD', rkey, started, id)
    elseif rcall('EXISTS', B .. id) == 0 then
      rcall('ZREM', rkey, id)
    end
  end
  rcall('ZREMRANGEBYSCORE', rkey, '-inf', now - d)
  return rcall('ZCARD', rkey)
end

-- Moves held-back ids of gid into BullMQ's wait while the key has a free slot and a rate token.
-- Answers how many moved, and when the key's oldest counted start leaves its window (0: none).
local function dispatch(gid)
  local c, m, d = limitsOf(gid)
  local pkey, hkey, rkey = Q .. ':p:' .. gid, Q .. ':h:' .. gid, Q .. ':r:' .. gid
  local free = c - rcall('SCARD', hkey)
  local wake = 0
  if m > 0 then
    local used = rateUsed(rkey, d)
    free = math.min(free, m - used)
    local oldest = rcall('ZRANGEBYSCORE', rkey, '-inf', '(+inf', 'LIMIT', 0, 1, 'WITHSCORES')
    if oldest[2] then wake = tonumber(oldest[2]) + d end
  end
  local moved, dropped, pausedOrMaxed = 0, 0, nil
  while moved < free do
    local id = rcall('LPOP', pkey)
    if not id then break end
    if rcall('ZREM', B .. 'delayed', id) == 1 then
      if pausedOrMaxed == nil then pausedOrMaxed = isPausedOrMaxed() end
      promote(id, pausedOrMaxed)
      rcall('SADD', hkey, id)
      rcall('HSET', Q .. ':held', id, gid)
      if m > 0 then rcall('ZADD', rkey, '+inf', id) end
      moved = moved + 1
    else
      -- Removed (cancel, empty, clean) or promoted outside the gate: nothing to hold.
      dropped = dropped + 1
    end
  end
  if dropped > 0 then adjustLoad(gid, -dropped) end
  return moved, wake
end

-- Frees id's slot when it has finished for good (completed, failed with no retry left, or
-- gone); a job retrying or handed back keeps it. Answers its gid when freed.
local function release(id)
  local gid = rcall('HGET', Q .. ':held', id)
  if not gid then return nil end
  if rcall('EXISTS', B .. id) == 1 and not rcall('ZSCORE', B .. 'completed', id)
    and not rcall('ZSCORE', B .. 'failed', id) then
    return nil
  end
  rcall('HDEL', Q .. ':held', id)
  rcall('SREM', Q .. ':h:' .. gid, id)
  adjustLoad(gid, -1)
  return gid
end
`

/**
 * Holds back job ARGV[4] of group ARGV[5], just added to BullMQ as a far-delayed job in the same
 * MULTI: lists it under its group. Answers 1, or -1 when the add did not happen (the job is not in
 * `delayed`). Small on purpose: it is sent as EVAL inside that MULTI (EVALSHA has no fallback
 * there), once per job; the group is dispatched after the MULTI.
 */
export const PUSH_LUA = `local Q, B, id, gid = ARGV[1], ARGV[2], ARGV[4], ARGV[5]
if not redis.call('ZSCORE', B .. 'delayed', id) then return -1 end
redis.call('RPUSH', Q .. ':p:' .. gid, id)
redis.call('ZINCRBY', Q .. ':load', 1, gid)
return 1`

/** Frees job ARGV[4]'s slot if it has finished for good, then dispatches its group: `{moved, wake, gid}`. */
export const releaseScript = script(`${COMMON}
readDefaults(5)
local gid = release(ARGV[4])
if not gid then return { 0, 0, false } end
local moved, wake = dispatch(gid)
return { moved, wake, gid }`)

/** Dispatches group ARGV[4] (a rate window ended, an override changed): `{moved, wake}`. */
export const dispatchScript = script(`${COMMON}
readDefaults(5)
local moved, wake = dispatch(ARGV[4])
return { moved, wake }`)

/**
 * One bounded sweep step: frees the slots of finished or vanished jobs among ARGV[6] entries of
 * the held hash from cursor ARGV[4], then dispatches those groups and a page of ARGV[6] groups
 * with work from offset ARGV[5]. Answers `{next cursor, next offset, {gid, wake, ...}}`.
 */
export const sweepScript = script(`${COMMON}
readDefaults(7)
local budget = tonumber(ARGV[6])
local scan = rcall('HSCAN', Q .. ':held', ARGV[4], 'COUNT', budget)
local touched, order = {}, {}
local function touch(gid)
  if not touched[gid] then touched[gid] = true; order[#order + 1] = gid end
end
for i = 1, #scan[2], 2 do
  local gid = release(scan[2][i])
  if gid then touch(gid) end
end
local offset = tonumber(ARGV[5])
local page = rcall('ZRANGE', Q .. ':load', offset, offset + budget - 1)
for _, gid in ipairs(page) do touch(gid) end
local wakes = {}
for _, gid in ipairs(order) do
  local _, wake = dispatch(gid)
  if wake > 0 then wakes[#wakes + 1] = gid; wakes[#wakes + 1] = wake end
end
return { scan[1], (#page < budget) and 0 or offset + budget, wakes }`)

/**
 * Retries failed job ARGV[4] of group ARGV[5] through the gate, with fresh attempts: what BullMQ
 * 6.7's reprocessJob-9.lua does for a failed job (fields cleared, 'waiting' event), except that
 * the job is parked in `delayed` (score ARGV[6]) and held back in its group, which is then
 * dispatched. Answers 1, or -3 when the job is not failed (-1: no such job).
 */
export const regateScript = script(`${COMMON}
readDefaults(7)
local id, gid = ARGV[4], ARGV[5]
local jobKey = B .. id
if rcall('EXISTS', jobKey) == 0 then return -1 end
if rcall('ZREM', B .. 'failed', id) == 0 then return -3 end
rcall('HDEL', jobKey, 'finishedOn', 'processedOn', 'failedReason', 'atm', 'ats')
rcall('ZADD', B .. 'delayed', ARGV[6], id)
rcall('XADD', B .. 'events', '*', 'event', 'waiting', 'jobId', id, 'prev', 'failed')
rcall('RPUSH', Q .. ':p:' .. gid, id)
adjustLoad(gid, 1)
dispatch(gid)
return 1`)

/**
 * A page of groups, busiest first (ARGV[4] offset, ARGV[5] limit): `{total, {gid, holding
 * a slot, held back, override or false, ...}}`.
 */
export const listScript = script(`${COMMON}
local offset, limit = tonumber(ARGV[4]), tonumber(ARGV[5])
local page = rcall('ZREVRANGE', Q .. ':load', offset, offset + limit - 1)
local rows = {}
for _, gid in ipairs(page) do
  rows[#rows + 1] = gid
  rows[#rows + 1] = rcall('SCARD', Q .. ':h:' .. gid)
  rows[#rows + 1] = rcall('LLEN', Q .. ':p:' .. gid)
  rows[#rows + 1] = rcall('HGET', Q .. ':limits', gid)
end
return { rcall('ZCARD', Q .. ':load'), rows }`)
