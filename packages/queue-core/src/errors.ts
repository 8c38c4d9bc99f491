import { UnrecoverableError } from 'bullmq'

/** One issue found by a schema, in the shape every error body and CLI message uses. */
export interface ValidationIssue {
  /** Where the problem is, e.g. `data.ms` or `options.delay`. */
  path: string
  message: string
}

/** Base class of every error jobq throws on purpose. */
export class JobqError extends Error {
  override readonly name: string = 'JobqError'
}

/** The environment is invalid; the process must not start. */
export class ConfigError extends JobqError {
  override readonly name = 'ConfigError'
  constructor(readonly issues: ValidationIssue[]) {
    super(`invalid environment:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`)
  }
}

/** A job name that no definition in the registry carries. */
export class UnknownJobError extends JobqError {
  override readonly name = 'UnknownJobError'
  constructor(readonly jobName: string) {
    super(`unknown job "${jobName}"`)
  }
}

/** A queue name that the registry does not declare. */
export class UnknownQueueError extends JobqError {
  override readonly name = 'UnknownQueueError'
  constructor(
    readonly queueName: string,
    known: readonly string[],
  ) {
    super(`unknown queue "${queueName}" (known: ${known.join(', ')})`)
  }
}

/** No job with this id exists in any queue. */
export class JobNotFoundError extends JobqError {
  override readonly name = 'JobNotFoundError'
  constructor(readonly jobId: string) {
    super(`no job with id "${jobId}"`)
  }
}

/**
 * What no job id can be (control characters, spaces, over 256 characters, other shapes: see
 * `isValidJobId`), refused before Redis is asked.
 */
export class MalformedJobIdError extends JobqError {
  override readonly name = 'MalformedJobIdError'
  constructor(readonly jobId: string) {
    super(`"${jobId.slice(0, 64)}" is not a job id`)
  }
}

/** Input (job data or enqueue options) does not match its schema; nothing was enqueued. */
export class JobValidationError extends JobqError {
  override readonly name = 'JobValidationError'
  constructor(
    message: string,
    readonly issues: ValidationIssue[],
  ) {
    super(message)
  }
}

/**
 * Why Redis cannot do what was asked: `unreachable` (no connection), or Redis answered and
 * refused: `out-of-memory` (maxmemory reached under `noeviction`), `read-only` (a replica),
 * `loading` (reading its dataset at start), `master-down` (a replica that lost its primary),
 * `busy` (a script or function runs past the busy threshold), `auth` (NOAUTH, WRONGPASS),
 * `permission` (NOPERM: an ACL forbids the command or key).
 */
export type BackendFailure =
  | 'unreachable'
  | 'out-of-memory'
  | 'read-only'
  | 'loading'
  | 'master-down'
  | 'busy'
  | 'auth'
  | 'permission'

/** What each failure means for the caller, in the words every message uses. */
const FAILURE_TEXT: Record<BackendFailure, string> = {
  unreachable: 'the job store (Redis) is unreachable',
  'out-of-memory': 'the job store (Redis) is full (maxmemory reached) and refuses writes',
  'read-only': 'the job store (Redis) is a read-only replica and refuses writes',
  loading: 'the job store (Redis) is loading its dataset',
  'master-down': 'the job store (Redis) is a replica that lost its primary',
  busy: 'the job store (Redis) is busy running a script',
  auth: 'the job store (Redis) refuses our credentials',
  permission: 'the job store (Redis) denies this command (ACL)',
}

/**
 * Seconds a caller should wait before trying again (HTTP `Retry-After`). A full Redis frees
 * memory only when jobs are removed (retention, `empty`, `clean`) or an operator acts, so it is
 * asked to wait longer than a reconnect or a failover takes.
 */
const RETRY_AFTER_SECONDS: Record<BackendFailure, number> = {
  unreachable: 1,
  'out-of-memory': 30,
  'read-only': 5,
  loading: 5,
  'master-down': 5,
  busy: 5,
  auth: 30,
  permission: 30,
}

/**
 * Redis cannot do what was asked right now (unreachable, or it refuses: see
 * {@link BackendFailure}); nothing was changed by the refused command, and the caller may retry
 * after {@link retryAfterSeconds}. The HTTP API answers 503 (507 for `out-of-memory`).
 */
export class BackendUnavailableError extends JobqError {
  override readonly name = 'BackendUnavailableError'
  /** Seconds to wait before retrying. */
  readonly retryAfterSeconds: number
  constructor(
    readonly failure: BackendFailure = 'unreachable',
    options?: { cause?: unknown },
  ) {
    super(backendMessage(failure, options?.cause), options)
    this.retryAfterSeconds = RETRY_AFTER_SECONDS[failure]
  }
}

/** The message: what it means, then Redis's own first line (never a password: Redis has none in it). */
function backendMessage(failure: BackendFailure, cause: unknown): string {
  const said = cause instanceof Error ? cause.message.split('\n')[0]!.slice(0, 200) : ''
  return said ? `${FAILURE_TEXT[failure]} (redis: ${said})` : FAILURE_TEXT[failure]
}

/**
 * Redis's refusals by the error code that starts its reply. A refusal inside a Lua script (every
 * BullMQ write) keeps the code first and appends "script: <sha>, on @user_script:<line>", except
 * an ACL refusal, which a script reports as "ERR The user executing the script can't run ...".
 * @see https://redis.io/docs/latest/develop/reference/protocol-spec/#simple-errors
 */
const REFUSALS: [RegExp, BackendFailure][] = [
  [/^OOM\b/, 'out-of-memory'],
  [/^READONLY\b/, 'read-only'],
  [/^LOADING\b/, 'loading'],
  [/^MASTERDOWN\b/, 'master-down'],
  [/^BUSY\b/, 'busy'],
  [/^(NOAUTH|WRONGPASS)\b|^ERR (AUTH|invalid password)/, 'auth'],
  [/^NOPERM\b|^ERR The user executing the script can't run/, 'permission'],
  // No connection (ioredis's own messages) or a cluster without a slot owner for now.
  [
    /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|max retries|^CLUSTERDOWN\b|^TRYAGAIN\b/i,
    'unreachable',
  ],
]

/**
 * Maps an error from Redis (ioredis, or BullMQ around it) to a {@link BackendUnavailableError},
 * or `undefined` when it is no refusal of Redis (a bug, a WRONGTYPE, a script's own error).
 * The one mapping the producer, the CLI and the dashboard share.
 */
export function toBackendError(err: unknown): BackendUnavailableError | undefined {
  if (err instanceof BackendUnavailableError) return err
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : ''
  // ioredis reports a refusal of its connect-time check as "Ready check failed: NOAUTH …".
  const message = raw.replace(/^Ready check failed: /, '')
  const failure = REFUSALS.find(([pattern]) => pattern.test(message))?.[1]
  return failure && new BackendUnavailableError(failure, { cause: err })
}

/**
 * Throw from a handler to fail the job at once, without the retries its `attempts` allow.
 * BullMQ checks `instanceof UnrecoverableError`, hence the base class.
 */
export class PermanentJobError extends UnrecoverableError {
  override readonly name = 'PermanentJobError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message)
    if (options?.cause !== undefined) this.cause = options.cause
  }
}

/** The handler ran past its `timeoutMs`; the attempt fails and is retried per `attempts`. */
export class JobTimeoutError extends JobqError {
  override readonly name = 'JobTimeoutError'
  constructor(readonly timeoutMs: number) {
    super(`job timed out after ${timeoutMs} ms`)
  }
}

/** The job is in a state that forbids the request (e.g. cancelling a finished job). */
export class JobConflictError extends JobqError {
  override readonly name = 'JobConflictError'
  constructor(
    readonly jobId: string,
    readonly state: string,
    message: string,
  ) {
    super(message)
  }
}

/**
 * No live worker can run this payload version of the job, and the enqueue asked to be refused
 * then (`options.requireWorker`); without it the job is enqueued with a warning.
 */
export class NoWorkerForVersionError extends JobqError {
  override readonly name = 'NoWorkerForVersionError'
  constructor(
    readonly jobName: string,
    readonly version: number,
    message: string,
  ) {
    super(message)
  }
}

/** Why a cancelled job failed: its `failedReason` is exactly this. */
export const CANCELLED_REASON = 'cancelled'

/**
 * A checkpoint or step result this attempt may not save: `invalid` (it fails the definition's
 * `checkpoint` schema, or is not JSON), `too-large` (over its size bound), `too-many-steps`,
 * `lock-lost` (the job's lock is no longer this run's: another worker owns the job now, and this
 * attempt's work is discarded). Nothing was saved. Thrown inside the handler, which may catch it.
 */
export class CheckpointError extends JobqError {
  override readonly name = 'CheckpointError'
  constructor(
    readonly reason: 'invalid' | 'too-large' | 'too-many-steps' | 'lock-lost',
    message: string,
  ) {
    super(message)
  }
}
