import { UnrecoverableError } from 'bullmq'

/**
 * Most UTF-8 bytes a failure reason (a job's `failedReason`, the SSE `failed` event) and each
 * stored stack trace may take. A handler may throw anything, including an `Error` whose message
 * is megabytes long; without a cap that text is written to the job hash and to the events stream
 * on every attempt, and served whole by `GET /v1/jobs/:id`. 8 KiB keeps a long validation report or
 * a nested cause chain readable while bounding what a failure costs Redis.
 */
export const MAX_FAILURE_REASON_BYTES = 8 * 1024

/**
 * How many attempts' stack traces BullMQ keeps on a failed job (its `stackTraceLimit` job
 * option, which otherwise keeps one per attempt without end). The last 5 are enough to compare a
 * recurring failure; with each trace capped at {@link MAX_FAILURE_REASON_BYTES}, a job's stored
 * traces stay under 40 KiB.
 */
export const STACK_TRACE_LIMIT = 5

/** How deep `cause` chains and `AggregateError`s are followed in a reason. */
const MAX_DEPTH = 3

/**
 * Turns anything a handler threw into a reason a person can read, at most
 * {@link MAX_FAILURE_REASON_BYTES} bytes of UTF-8 (a longer one ends with a marker saying how many
 * bytes were cut). An `Error` gives its message (its name when the message is empty), followed by
 * its `cause` and, for an `AggregateError`, its errors; a string is itself; any other value is
 * named by its type, with objects and arrays as JSON. Never throws, whatever the value does
 * (getters that throw, cycles, `BigInt`s, a `toJSON` or `toString` that throws).
 */
export function toFailureReason(thrown: unknown): string {
  return truncateUtf8(describe(thrown, 0), MAX_FAILURE_REASON_BYTES)
}

/**
 * `thrown` as an `Error` BullMQ can store: the same object when its message is already a bounded
 * string, its stack is bounded and it has no `cause` or `errors` to add to the reason, otherwise a new `Error` with the reason as its message, the
 * same `name` (BullMQ tells `UnrecoverableError`, `DelayedError`, `WaitingError` and the like apart
 * by name) and a bounded stack.
 */
export function toJobError(thrown: unknown): Error {
  if (thrown instanceof Error && isBounded(thrown) && !hasDetail(thrown)) return thrown
  const reason = toFailureReason(thrown)
  // BullMQ checks `instanceof UnrecoverableError` (its name check knows only its own name).
  const err =
    thrown instanceof UnrecoverableError ? new UnrecoverableError(reason) : new Error(reason)
  const name = read(() => (thrown as { name?: unknown } | null)?.name)
  if (typeof name === 'string' && name) {
    Object.defineProperty(err, 'name', { value: name, enumerable: true, writable: true })
  }
  const stack = thrown instanceof Error ? read(() => thrown.stack) : undefined
  err.stack = boundedStack(typeof stack === 'string' ? stack : err.stack, err.name, reason)
  return err
}

/** A cause or an aggregate's errors: the message alone would leave them out of the reason. */
function hasDetail(err: Error): boolean {
  const errors = read(() => (err as { errors?: unknown }).errors)
  return read(() => err.cause) !== undefined || (Array.isArray(errors) && errors.length > 0)
}

function isBounded(err: Error): boolean {
  try {
    const { message, stack } = err
    return (
      typeof message === 'string' &&
      message.length > 0 &&
      message.length <= MAX_FAILURE_REASON_BYTES / 4 && // at most 4 bytes per UTF-16 unit
      (stack === undefined ||
        (typeof stack === 'string' && stack.length <= MAX_FAILURE_REASON_BYTES / 4))
    )
  } catch {
    return false
  }
}

/** The stack's frames (`    at …` lines, at most 2 KiB) under the reason, cut to fit the cap. */
function boundedStack(stack: string | undefined, name: string, reason: string): string {
  const frames = truncateUtf8(
    (stack ?? '')
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .join('\n'),
    2 * 1024,
  )
  if (!frames) return truncateUtf8(`${name}: ${reason}`, MAX_FAILURE_REASON_BYTES)
  const room = MAX_FAILURE_REASON_BYTES - Buffer.byteLength(frames) - 1
  return `${truncateUtf8(`${name}: ${reason}`, room)}\n${frames}`
}

function describe(value: unknown, depth: number): string {
  try {
    if (value instanceof Error) return describeError(value, depth)
    switch (typeof value) {
      case 'string':
        return value === '' ? 'threw an empty string' : value
      case 'undefined':
        return 'threw undefined (no error given)'
      case 'symbol':
        return `threw symbol: ${value.toString()}`
      case 'function':
        return `threw a function${value.name ? `: ${value.name}` : ''}`
      case 'object':
        return value === null
          ? 'threw null (no error given)'
          : `threw ${kindOf(value)}: ${json(value)}`
      default: // number, bigint, boolean
        return `threw ${typeof value}: ${String(value)}`
    }
  } catch {
    return 'threw a value that cannot be read'
  }
}

function describeError(err: Error, depth: number): string {
  const name = read(() => err.name)
  const label = typeof name === 'string' && name ? name : 'Error'
  const message = read(() => err.message, READ_FAILED)
  let text: string
  if (message === READ_FAILED) text = `${label} (its message could not be read)`
  else if (typeof message === 'string') text = message || label
  else text = `${label} with a non-string message: ${describe(message, MAX_DEPTH)}`

  if (depth >= MAX_DEPTH) return text
  const errors = read(() => (err as { errors?: unknown }).errors)
  if (Array.isArray(errors) && errors.length) {
    const shown = errors.slice(0, 10).map((e) => nested(e, depth))
    const more = errors.length > shown.length ? `; and ${errors.length - shown.length} more` : ''
    text += ` [${shown.join('; ')}${more}]`
  }
  const cause = read(() => err.cause)
  if (cause !== undefined) text += ` (cause: ${nested(cause, depth)})`
  return text
}

/** A sub-error's reason, cut on its own so ten huge ones never make a huge string. */
function nested(value: unknown, depth: number): string {
  return truncateUtf8(describe(value, depth + 1), MAX_FAILURE_REASON_BYTES)
}

function kindOf(value: object): string {
  if (Array.isArray(value)) return 'array'
  const tag = read(() => Object.prototype.toString.call(value).slice(8, -1))
  return typeof tag === 'string' && tag !== 'Object' ? tag : 'object'
}

/** JSON that survives cycles, BigInts, and a toJSON that throws; bounded by the caller. */
function json(value: object): string {
  const seen = new WeakSet<object>()
  try {
    return (
      JSON.stringify(value, (_key, v: unknown) => {
        if (typeof v === 'bigint') return `${v}n`
        if (typeof v === 'symbol' || typeof v === 'function') return String(v)
        if (typeof v === 'object' && v !== null) {
          if (seen.has(v)) return '[Circular]'
          seen.add(v)
        }
        return v
      }) ?? '(no JSON form)'
    )
  } catch {
    // A toJSON (or getter) that throws: name the keys, which is what a person looks for first.
    const keys = read(() => Object.keys(value).slice(0, 20).join(', '))
    return `{${typeof keys === 'string' ? keys : ''}} (not serializable)`
  }
}

const READ_FAILED = Symbol('read failed')

/** `get()`, or `fallback` when a getter or proxy throws. */
function read<T, F = undefined>(get: () => T, fallback?: F): T | F {
  try {
    return get()
  } catch {
    return fallback as F
  }
}

/** `text` cut to at most `maxBytes` of UTF-8, ending with a marker saying how much was cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  // Cheap exit for the common case: every UTF-16 unit is at most 3 bytes of UTF-8.
  if (text.length * 3 <= maxBytes) return text
  const total = Buffer.byteLength(text)
  if (total <= maxBytes) return text
  const marker = (cut: number) => `… [truncated: ${cut} more bytes]`
  const room = maxBytes - Buffer.byteLength(marker(total))
  // Decode at most `room` bytes; a character split at the end decodes as U+FFFD: drop it.
  const head = Buffer.from(text.slice(0, room))
    .subarray(0, room)
    .toString('utf8')
    .replace(/\uFFFD$/, '')
  return head + marker(total - Buffer.byteLength(head))
}
