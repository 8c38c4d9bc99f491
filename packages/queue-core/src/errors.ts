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

/** Redis cannot be reached right now; the caller may retry later. */
export class BackendUnavailableError extends JobqError {
  override readonly name = 'BackendUnavailableError'
  constructor(options?: { cause?: unknown }) {
    super('the job store (Redis) is unreachable', options)
  }
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

/** Why a cancelled job failed: its `failedReason` is exactly this. */
export const CANCELLED_REASON = 'cancelled'
