import type { HandlerContext } from '../define-job.js'
import { CheckpointError } from '../errors.js'

/**
 * Largest step result, in bytes of JSON: 64 KiB, for the reason checkpoints have theirs (every
 * start of the job reads the job's whole hash). With {@link MAX_STEPS}, a job's saved steps stay
 * under 4 MiB.
 */
const STEP_MAX_BYTES = 64 * 1024
/** Steps one job may save. A name per row is a misuse: checkpoint the row index instead. */
const MAX_STEPS = 64
const MAX_NAME_CHARS = 200

/** Reads one step's saved JSON (null: none). */
type ReadStep = (name: string) => Promise<string | null>
/** Saves one step's JSON (see checkpoint.ts `SAVE`): 1 saved, 0 there already, -2 too many. */
type SaveStep = (name: string, json: string, maxSteps: number) => Promise<number>

/**
 * `ctx.step` for one run: `fn` runs only when no earlier attempt of the job saved a result under
 * `name` (one HGET); its result is saved (as `{ v: result }`, so `undefined` comes back as itself) before the
 * step resolves, and every call answers the JSON round trip of it, so a first run and a replay
 * see the same value. Calls of one name within a run share the first call's outcome; a step
 * that throws saves nothing and may run again.
 */
export function createSteps(read: ReadStep, save: SaveStep): HandlerContext['step'] {
  const running = new Map<string, Promise<unknown>>()
  const runStep = async (name: string, fn: () => unknown): Promise<unknown> => {
    const done = await read(name)
    if (done !== null) return unwrap(done)
    const json = toJson({ v: await fn() }, `the result of step "${name}"`)
    const bytes = Buffer.byteLength(json)
    if (bytes > STEP_MAX_BYTES) {
      throw new CheckpointError(
        'too-large',
        `the result of step "${name}" is ${bytes} bytes of JSON, over the ${STEP_MAX_BYTES} allowed`,
      )
    }
    const code = await save(name, json, MAX_STEPS)
    if (code === -2) {
      throw new CheckpointError(
        'too-many-steps',
        `step "${name}" not saved: a job may save at most ${MAX_STEPS} steps`,
      )
    }
    // 0: a result was saved under `name` between the read and the save (SAVE keeps the first).
    // Not expected (the save needs this run's lock, and calls of one name within a run share one
    // promise), but if it happens the stored result is the step's: a replay would answer it.
    if (code === 0) return unwrap((await read(name)) ?? json)
    return unwrap(json)
  }
  return <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_CHARS) {
      return Promise.reject(
        new TypeError(`a step name is a string of 1 to ${MAX_NAME_CHARS} characters`),
      )
    }
    let run = running.get(name)
    if (!run) {
      run = runStep(name, fn)
      running.set(name, run)
      // A failed step may be tried again within this run.
      run.catch(() => running.delete(name))
    }
    return run as Promise<T>
  }
}

const unwrap = (json: string): unknown => (JSON.parse(json) as { v?: unknown }).v

/** `value` as JSON, or a `CheckpointError` naming `what` when it has none. */
export function toJson(value: unknown, what: string): string {
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch (err) {
    throw new CheckpointError('invalid', `${what} is not JSON: ${(err as Error).message}`)
  }
  if (json === undefined)
    throw new CheckpointError('invalid', `${what} is not JSON: ${typeof value}`)
  return json
}
