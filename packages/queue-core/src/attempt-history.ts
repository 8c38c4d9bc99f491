import type { Job } from 'bullmq'
import type { Redis } from './connection.js'
import type { Logger } from './logger.js'
import { script } from './lua-script.js'

/** How one start of a job by a worker ended; `running` while it has not. */
/** `waiting-children`: the run parked its job until its fan-out children finished (not an attempt). */
export type AttemptOutcome =
  'running' | 'completed' | 'failed' | 'interrupted' | 'handed-back' | 'waiting-children'

/** One start of a job by a worker, as `GET /v1/jobs/:id` shows it in `history`. */
export interface AttemptEntry {
  /** 1-based start sequence; it never resets, not even when the job is retried by hand. */
  attempt: number
  /** The worker process that ran it (its worker record id). */
  workerId: string
  /** ISO-8601. */
  startedAt: string
  /** ISO-8601; null while running. For `interrupted`, when the next start found it cut off. */
  endedAt: string | null
  outcome: AttemptOutcome
  /** The error of a failed attempt, or why it was interrupted or handed back; else null. */
  reason: string | null
}

/**
 * The history lives in fields of the job's own BullMQ hash, so every way BullMQ removes a job
 * (retention, clean, empty, remove, obliterate) removes its history too. `<prefix><ms>:<token>`
 * holds the entry of the start at `ms` that held lock `token` as JSON (a token alone can repeat:
 * BullMQ hands the next job of a chain the same token); `OPEN` the `<ms>:<token>` of the entry a
 * worker is running. Entries are numbered when read, in the
 * order they started, so numbers run on across retries and parks without a counter to keep.
 */
const ATTEMPT_FIELD_PREFIX = 'jobq:attempt:'
const OPEN_FIELD = 'jobq:open'

/** Why an entry found still running at the next start is closed as `interrupted`. */
export const INTERRUPTED_REASON =
  'its worker stopped holding the lock before the attempt ended (killed, crashed, lost its ' +
  'Redis connection or lock); the stalled-job check put the job back in line'

/**
 * Why an attempt whose handler ended is closed as `interrupted`: BullMQ refused its outcome because
 * its lock lapsed while Redis was away and could not be taken back (worker/lock-reclaim.ts). The
 * job runs again, and this start is not counted against its attempts (attempt-budget.ts).
 */
export const OUTCOME_LOST_REASON =
  'its outcome was refused: the lock lapsed while Redis was away and another start was due; ' +
  'the job runs again and this start does not count against its attempts'

/**
 * How the reason of a start handed back for its payload version begins: the worker does not
 * know that version yet (worker/version-gate.ts). Such a start does not count against the job's
 * attempts (attempt-budget.ts).
 */
export const VERSION_HAND_BACK_PREFIX = 'payload version '

/**
 * Closes the entries a batch names, one op per key; ARGV per op (4 values): time in ms, entry id
 * (`<ms>:<token>`), outcome, reason. Only the entry still open under that id is closed ('' closes
 * whichever is open), and only on a job that still exists: a removed job is never recreated as a
 * hash holding only history fields.
 */
const CLOSE_LUA = `
for i, key in ipairs(KEYS) do
  local base = (i - 1) * 4
  local now, entryId, outcome, reason = ARGV[base + 1], ARGV[base + 2], ARGV[base + 3], ARGV[base + 4]
  local open = redis.call('HGET', key, '${OPEN_FIELD}')
  if open and (entryId == '' or open == entryId) then
    redis.call('HDEL', key, '${OPEN_FIELD}')
    local raw = redis.call('HGET', key, '${ATTEMPT_FIELD_PREFIX}' .. open)
    if raw then
      local entry = cjson.decode(raw)
      entry.o = outcome
      entry.e = tonumber(now)
      if reason ~= '' then entry.r = reason end
      redis.call('HSET', key, '${ATTEMPT_FIELD_PREFIX}' .. open, cjson.encode(entry))
    end
  end
end
return 0
`
const closeAttempts = script(CLOSE_LUA)

/**
 * Writes the attempt history of the jobs a worker process runs, fire and forget: a history write
 * never holds up a job. A start is one plain HSET of the new entry, sent at once, before the
 * handler runs, so it reaches Redis even when the handler then kills the process or blocks the
 * event loop. No guard is needed there: the job is active and locked by this worker, which BullMQ
 * refuses to remove. An entry left `running` by a crash is shown as `interrupted` once a later
 * start exists ({@link parseHistory}), so nothing is rewritten at the next start. A completed
 * attempt writes nothing (see {@link AttemptHistoryWriter.ended}); failed and handed-back ones
 * (rare) go out batched, through a script. Cost (bench/RESULTS.md, third session): drain at
 * concurrency 1/10/100 was 0.92/0.80/0.77 × BullMQ with a script per start, 0.85–0.88/0.79–0.86/
 * 0.82–0.83 with this HSET, 0.89/0.86/0.92 with no start write at all.
 */
export class AttemptHistoryWriter {
  private pending = new Map<string, { keys: string[]; args: (string | number)[] }>()
  private flushing: NodeJS.Immediate | undefined
  /** Jobs started here and not ended yet, by job key: the id of their open entry. */
  private readonly open = new Map<string, { job: Job; entryId: string }>()
  /** The last write sent: the connection answers in order, so it settles after all others. */
  private last: Promise<unknown> = Promise.resolve()
  private lastLogged = 0

  constructor(
    private readonly redis: Redis,
    private readonly workerId: string,
    private readonly logger: Logger,
  ) {}

  /** A worker took the job up (BullMQ's `active`): appends a `running` entry. */
  started(job: Job): void {
    const now = Date.now()
    const entryId = `${now}:${job.token ?? ''}`
    this.open.set(keyOf(job), { job, entryId })
    // Ends pushed before this start go first: one connection runs commands in order.
    this.send()
    const entry = JSON.stringify({ w: this.workerId, s: now, o: 'running' })
    this.last = this.redis
      .hset(keyOf(job), `${ATTEMPT_FIELD_PREFIX}${entryId}`, entry, OPEN_FIELD, entryId)
      .catch((err: Error) => this.warn(err))
  }

  /** A start jobq refused (attempts used up): the entry of the start before it was cut off. */
  refused(job: Job): void {
    this.push(job, '', 'interrupted', INTERRUPTED_REASON)
  }

  /**
   * The attempt this worker started ended. A completed one is not written: BullMQ has just made
   * the job `completed` (final), and a view shows the last entry of a completed job as completed
   * at `finishedOn` (job-view.ts). That keeps the hot path at one history write per job.
   */
  ended(job: Job, outcome: Exclude<AttemptOutcome, 'running'>, reason?: string): void {
    const key = keyOf(job)
    const open = this.open.get(key)
    if (!open) return
    this.open.delete(key)
    if (outcome === 'completed') return
    // A reason is for people: the first 1,000 characters say what happened (failedReason keeps
    // the whole of the last one).
    this.push(job, open.entryId, outcome, reason?.slice(0, 1_000) ?? '')
  }

  /** Closes every attempt still open here as `handed-back` (a shutdown gave them up). */
  handBackAll(reason: string): void {
    for (const { job } of [...this.open.values()]) this.ended(job, 'handed-back', reason)
  }

  /** Sends what is pending and waits for every write sent so far. */
  async flush(): Promise<void> {
    this.send()
    await this.last
  }

  private push(job: Job, entryId: string, outcome: string, reason: string): void {
    const queueKey = job.queueQualifiedName
    let batch = this.pending.get(queueKey)
    if (!batch) this.pending.set(queueKey, (batch = { keys: [], args: [] }))
    batch.keys.push(`${queueKey}:${job.id}`)
    batch.args.push(Date.now(), entryId, outcome, reason)
    this.flushing ??= setImmediate(() => this.send())
  }

  private send(): void {
    if (this.flushing) clearImmediate(this.flushing)
    this.flushing = undefined
    for (const { keys, args } of this.pending.values()) {
      this.last = closeAttempts(this.redis, keys, args).catch((err: Error) => this.warn(err))
    }
    this.pending.clear()
  }

  private warn(err: Error): void {
    // History is a record, not the job: losing a write must not fail or stall a job.
    if (Date.now() - this.lastLogged < 5_000) return
    this.lastLogged = Date.now()
    this.logger.warn({ err: err.message }, 'attempt history not written')
  }
}

const keyOf = (job: Job) => `${job.queueQualifiedName}:${job.id}`

/** Returns the history fields of a job hash as field, value, …: its names only are scanned. */
const READ_LUA = `
local out = {}
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, ${ATTEMPT_FIELD_PREFIX.length}) == '${ATTEMPT_FIELD_PREFIX}' then
    out[#out + 1] = field
    out[#out + 1] = redis.call('HGET', KEYS[1], field)
  end
end
return out
`

const readAttempts = script(READ_LUA)

/**
 * Reads a job's attempt history (oldest first) in one script call that returns only the history
 * fields, never the job's data. `jobKey` is BullMQ's `queue.toKey(id)`.
 */
export async function readHistory(redis: Redis, jobKey: string): Promise<AttemptEntry[]> {
  const raw = (await readAttempts(redis, [jobKey], [])) as string[]
  const fields: Record<string, string> = {}
  for (let i = 0; i + 1 < raw.length; i += 2) fields[raw[i]!] = raw[i + 1]!
  return parseHistory(fields)
}

/**
 * The entries among a job hash's fields, oldest first. Unreadable entries are skipped. An entry
 * still `running` with a later start after it was cut off: it reads as `interrupted`, ended when
 * the next start began.
 */
function parseHistory(fields: Record<string, string>): AttemptEntry[] {
  const entries = readEntries(fields)
  return entries.map((entry, i) => {
    const next = entries[i + 1]
    if (entry.outcome !== 'running' || !next) return entry
    return { ...entry, outcome: 'interrupted', endedAt: next.startedAt, reason: INTERRUPTED_REASON }
  })
}

function readEntries(fields: Record<string, string>): AttemptEntry[] {
  const started: { field: string; e: StoredEntry }[] = []
  for (const [field, raw] of Object.entries(fields)) {
    if (!field.startsWith(ATTEMPT_FIELD_PREFIX)) continue
    try {
      started.push({ field, e: JSON.parse(raw) as StoredEntry })
    } catch {
      // A field someone else wrote: not ours to show.
    }
  }
  // In the order they started (the field, a lock token, breaks a tie within one millisecond).
  started.sort((a, b) => a.e.s - b.e.s || (a.field < b.field ? -1 : 1))
  return started.map(({ e }, i) => ({
    attempt: i + 1,
    workerId: e.w,
    startedAt: new Date(e.s).toISOString(),
    endedAt: e.e ? new Date(e.e).toISOString() : null,
    outcome: e.o,
    reason: e.r ?? null,
  }))
}

/** An entry as stored: worker id, start and end in ms, outcome, reason. */
interface StoredEntry {
  w: string
  s: number
  e?: number
  o: AttemptOutcome
  r?: string
}
