import type { Job } from 'bullmq'
import type { z } from 'zod'
import type { Redis } from '../connection.js'
import type { HandlerContext } from '../define-job.js'
import { CheckpointError, PermanentJobError } from '../errors.js'
import { script } from '../lua-script.js'
import { reclaimLocks } from './lock-reclaim.js'
import { createSteps, toJson } from './steps.js'

/**
 * A job's saved work (README "Long jobs"): its last checkpoint and its steps' results, kept as
 * fields of the job's own hash `<prefix>:<queue>:<id>`, so they share the job's hash slot and go
 * when BullMQ removes the job. BullMQ's `moveToActive` answers the whole hash but its backend
 * drops fields it does not know, so a run reads them itself: the checkpoint once at its start,
 * only for a job whose definition declares `checkpoint` (the rest pay one branch), and a step's
 * result when the step is called.
 */
const CHECKPOINT_FIELD = 'jobqCheckpoint'
/** A step's result is the field `jobqStep:<name>`; `jobqSteps` counts them. */
const STEP_FIELD_PREFIX = 'jobqStep:'
const STEP_COUNT_FIELD = 'jobqSteps'

/**
 * Largest checkpoint, in bytes of JSON: 64 KiB. The checkpoint is read at every start of the job
 * and written by every save; a bound keeps a save at about one round trip and the job hash small.
 * Progress markers (`{ index, total }`) are a few dozen bytes; bulky intermediate data belongs in
 * your own store, with its key in the checkpoint.
 */
const CHECKPOINT_MAX_BYTES = 64 * 1024

/** What the handler's `ctx` offers of saved work (see {@link HandlerContext}). */
export type SavedWork = Pick<HandlerContext<unknown>, 'resume' | 'checkpoint' | 'step'>

/** What {@link createSavedWork} needs from the worker. */
export interface SavedWorkDeps {
  connection: Redis
  /** The worker's lock duration, in ms: how long a lock taken back (see SAVE's -3) holds. */
  lockMs: number
  /** Called once a save was refused because the job's lock is not this run's (abort the run). */
  onLockLost(err: CheckpointError): void
}

// Marks a job (the `Job` object BullMQ hands the worker's events too) that has saved work, so
// its end clears it; a job without pays nothing there.
const HAS_SAVED = Symbol('jobq.hasSavedWork')
const markSaved = (job: Job) => {
  ;(job as unknown as Record<symbol, boolean>)[HAS_SAVED] = true
}
const hasSaved = (job: Job) => (job as unknown as Record<symbol, boolean | undefined>)[HAS_SAVED]

// Writes only while the job's lock holds this run's token (BullMQ's `extendLock` test): a worker
// that lost the job cannot overwrite what the new owner saved. A step is written once (a second
// save of one name keeps the first) and at most ARGV[4] steps per job.
// KEYS: the job hash, its lock. ARGV: token, field, JSON, [max steps]. -1: lock not ours;
// -3: no lock at all (see {@link retakeLock}); -2: too many steps; 0: the step was there already;
// 1: saved.
const SAVE = script(`
local held = redis.call('GET', KEYS[2])
if not held then return -3 end
if held ~= ARGV[1] then return -1 end
if ARGV[4] then
  if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then return 0 end
  local n = tonumber(redis.call('HGET', KEYS[1], '${STEP_COUNT_FIELD}') or '0')
  if n >= tonumber(ARGV[4]) then return -2 end
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3], '${STEP_COUNT_FIELD}', n + 1)
  return 1
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
return 1
`)

// Deletes the checkpoint and every step field of a job that ended for good. KEYS: the job hash.
const CLEAR = script(`
local gone = {'${CHECKPOINT_FIELD}', '${STEP_COUNT_FIELD}'}
local prefix = '${STEP_FIELD_PREFIX}'
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, #prefix) == prefix then gone[#gone + 1] = field end
end
return redis.call('HDEL', KEYS[1], unpack(gone))
`)

/** The job's hash key, `<prefix>:<queue>:<id>` (BullMQ's `toKey(id)`). */
const jobKeyOf = (job: Job) => `${job.queueQualifiedName}:${job.id ?? ''}`

/**
 * The handler's `resume`, `checkpoint` and `step` for one run of `job` holding `token`, given the
 * checkpoint read at the start (`atStart`, JSON; null: none, or not read because the definition
 * has no `checkpoint` schema, `schema`). For a job with a schema, see {@link loadSavedWork}.
 */
export function createSavedWork(
  job: Job,
  token: string | undefined,
  schema: z.ZodType | undefined,
  deps: SavedWorkDeps,
  atStart: string | null = null,
): SavedWork {
  const key = jobKeyOf(job)
  /** Saves `json` under `field` if the lock is still this run's; answers the script's code. */
  const save = async (field: string, json: string, maxSteps?: number): Promise<number> => {
    const tokenArg = token ?? ''
    const args =
      maxSteps === undefined ? [tokenArg, field, json] : [tokenArg, field, json, maxSteps]
    const keys = [key, `${key}:lock`]
    let code = Number(await SAVE(deps.connection, keys, args))
    if (code === -3 && (await retakeLock(job, tokenArg, deps))) {
      code = Number(await SAVE(deps.connection, keys, args))
    }
    if (code === -1 || code === -3) {
      const err = new CheckpointError(
        'lock-lost',
        `job ${job.id ?? ''} is no longer this worker's (its lock expired or another worker took it): nothing saved, and this attempt's result will be discarded`,
      )
      deps.onLockLost(err)
      throw err
    }
    markSaved(job)
    return code
  }
  const readStep = async (name: string) => {
    const json = await deps.connection.hget(key, `${STEP_FIELD_PREFIX}${name}`)
    if (json !== null) markSaved(job)
    return json
  }
  const step = createSteps(readStep, (name, json, max) =>
    save(`${STEP_FIELD_PREFIX}${name}`, json, max),
  )
  let resumed: { value: unknown } | undefined
  return {
    get resume() {
      if (atStart === null) return undefined
      resumed ??= { value: parseSaved(atStart, schema) }
      return resumed.value
    },
    checkpoint: async (state) => {
      if (!schema) throw new CheckpointError('invalid', NO_SCHEMA)
      await save(CHECKPOINT_FIELD, checkpointJson(state, schema))
    },
    step,
  }
}

/**
 * {@link createSavedWork} for a job whose definition has a `checkpoint` schema, once its last
 * checkpoint is read (one HMGET, which also tells whether it has saved work to clear at its end).
 * Rejects with what the connection rejects with.
 */
export async function loadSavedWork(
  job: Job,
  token: string | undefined,
  schema: z.ZodType,
  deps: SavedWorkDeps,
): Promise<SavedWork> {
  const [json, steps] = await deps.connection.hmget(
    jobKeyOf(job),
    CHECKPOINT_FIELD,
    STEP_COUNT_FIELD,
  )
  if (json !== null || steps !== null) markSaved(job)
  return createSavedWork(job, token, schema, deps, json ?? null)
}

/**
 * Takes back the lock of `job` for run `token` when the lock is gone though the job is still
 * active (a Redis restarted from its AOF expired it: see lock-reclaim.ts, the rule BullMQ's
 * renewal and outcome use too). True when the lock is this run's again; false when the job was
 * taken out of `active` meanwhile (the stalled check), so the run has lost it.
 */
async function retakeLock(job: Job, token: string, deps: SavedWorkDeps): Promise<boolean> {
  const queueKey = job.queueQualifiedName
  const keys = {
    active: `${queueKey}:active`,
    stalled: `${queueKey}:stalled`,
    base: `${queueKey}:`,
  }
  const lost = await reclaimLocks(deps.connection, keys, [[job.id ?? '', token]], deps.lockMs)
  return lost.length === 0
}

const NO_SCHEMA =
  "checkpoints need a `checkpoint` schema on the job's definition (e.g. z.object({ index: z.number() })): without one no run reads them back"

/** `state` as the JSON to save, once it passes `schema` and the size bound. */
function checkpointJson(state: unknown, schema: z.ZodType): string {
  const checked = schema.safeParse(state)
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    throw new CheckpointError(
      'invalid',
      `checkpoint does not match the job's checkpoint schema: ${issues.join('; ')}`,
    )
  }
  const json = toJson(state, 'checkpoint')
  const bytes = Buffer.byteLength(json)
  if (bytes > CHECKPOINT_MAX_BYTES) {
    throw new CheckpointError(
      'too-large',
      `checkpoint is ${bytes} bytes of JSON, over the ${CHECKPOINT_MAX_BYTES} allowed: save progress markers, keep bulky data elsewhere`,
    )
  }
  return json
}

/** The saved checkpoint, read back through `schema` (it may have changed since it was saved). */
function parseSaved(json: string, schema: z.ZodType | undefined): unknown {
  const value = JSON.parse(json) as unknown
  if (!schema) return value
  const checked = schema.safeParse(value)
  if (checked.success) return checked.data
  const issues = checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
  throw new CheckpointError(
    'invalid',
    `the saved checkpoint no longer matches the job's checkpoint schema: ${issues.join('; ')}`,
  )
}

/**
 * Deletes the saved work of a job that ended for good (completed, or failed with no retry left),
 * or answers undefined at no cost when it has none: nothing was read or saved by this run, and
 * its definition declares no `checkpoint` (`declared`: one that does is cleared even when its
 * last start was refused before it ran, e.g. over its attempt budget after crashes).
 */
export function clearSavedWork(
  job: Job,
  connection: Redis,
  declared: boolean,
): Promise<unknown> | undefined {
  if (!job.finishedOn || !(declared || hasSaved(job))) return undefined
  return CLEAR(connection, [jobKeyOf(job)], [])
}

/** `ctx`'s saved work where no worker holds the lock for the handler (a sandboxed child). */
export const NO_SAVED_WORK: SavedWork = {
  resume: undefined,
  checkpoint: () =>
    Promise.reject(new PermanentJobError('checkpoint is not available on sandboxed queues')),
  step: () => Promise.reject(new PermanentJobError('step is not available on sandboxed queues')),
}
