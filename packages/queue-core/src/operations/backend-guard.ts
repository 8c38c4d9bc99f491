import type { Redis } from '../connection.js'
import { BackendUnavailableError, toBackendError } from '../errors.js'

/** Runs one Redis call and turns Redis's failures into {@link BackendUnavailableError}s. */
export type BackendGuard = <T>(call: () => Promise<T>) => Promise<T>

/** The guard, and the mapping it applies, for errors of Redis calls made elsewhere (bull-board). */
export interface Backend {
  guard: BackendGuard
  /** The typed error for a failed Redis call, or `undefined` when it is no Redis failure. */
  explain(err: unknown): BackendUnavailableError | undefined
}

/**
 * The producer's guard around every Redis call: fails fast while the connection is not ready
 * (naming why, when the connection said so: a wrong password shows as `auth`, not as a vague
 * "unreachable"), and maps every refusal of Redis (OOM, READONLY, BUSY, …) through
 * {@link toBackendError}. Any other error (a bug, a BullMQ precondition) passes through.
 */
export function backendOf(connection: Redis): Backend {
  // The last refusal the connection itself reported (its AUTH or ready check): while it cannot
  // become ready, that is the reason callers get.
  let refused: BackendUnavailableError | undefined
  connection.on('error', (err: unknown) => {
    const mapped = toBackendError(err)
    if (mapped && mapped.failure !== 'unreachable') refused = mapped
  })
  connection.on('ready', () => (refused = undefined))

  const notReady = (cause?: unknown) =>
    refused
      ? new BackendUnavailableError(refused.failure, { cause: refused.cause })
      : new BackendUnavailableError('unreachable', { cause })

  const explain = (err: unknown) => {
    const mapped = toBackendError(err)
    // "Stream isn't writeable" while the connection is refused its AUTH: say why.
    if (mapped?.failure === 'unreachable' || (mapped && connection.status !== 'ready')) {
      return notReady(err)
    }
    return mapped
  }

  return {
    explain,
    guard: async (call) => {
      if (connection.status !== 'ready') throw notReady()
      try {
        return await call()
      } catch (err) {
        throw explain(err) ?? (connection.status !== 'ready' ? notReady(err) : err)
      }
    },
  }
}

/** How long a write probe's key lives: it only has to exist while it is being written. */
const PROBE_TTL_MS = 5_000

/**
 * The probe writes from a Lua script, as every BullMQ write does, so it meets the refusals an
 * enqueue meets in the words an enqueue gets them (a replica without its primary refuses a script
 * with MASTERDOWN but a plain SET with READONLY).
 */
const PROBE_SCRIPT = "return redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])"

/**
 * Readiness to take jobs: writes one short-lived key, `<prefix>:write-probe`, and answers
 * `undefined` when Redis took it, or the {@link BackendUnavailableError} saying why not.
 *
 * A real write, not `INFO memory` against `maxmemory`: it is one command (cheaper than parsing
 * INFO), and it sees every refusal an enqueue would meet (full, read-only replica, replica
 * without its primary, loading, busy script, lost credentials, an ACL), where the memory figures
 * see only one. Redis refuses a write when memory is already above `maxmemory`, so the probe is
 * refused exactly when enqueues are.
 */
export async function probeWrite(
  connection: Redis,
  guard: BackendGuard,
  prefix: string,
  timeoutMs = 1_000,
): Promise<BackendUnavailableError | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<BackendUnavailableError>((resolve) => {
    timer = setTimeout(() => resolve(new BackendUnavailableError('unreachable')), timeoutMs)
  })
  // Two segments: a queue's keys always have three (`<prefix>:<queue>:<id or type>`), so no
  // queue name or job id can ever name this key (like `<prefix>:cancel`).
  const key = `${prefix}:write-probe`
  const write = guard(() => connection.eval(PROBE_SCRIPT, 1, key, PROBE_TTL_MS)).then(
    () => undefined,
    (err: unknown) =>
      toBackendError(err) ?? new BackendUnavailableError('unreachable', { cause: err }),
  )
  try {
    return await Promise.race([write, timeout])
  } finally {
    clearTimeout(timer)
  }
}
