/**
 * Per-job logs: what a handler writes with `ctx.log` is kept with its job, in BullMQ's job log
 * (`<prefix>:<queue>:<id>:logs`, the list bull-board's Logs tab shows), beside the process log.
 * Shared by the worker (which writes) and the read operation (which parses a stored line back).
 */
import { format } from 'node:util'

/**
 * Lines kept per job (the newest). A thousand tells a long job's story (a line per batch of
 * rows) while bounding a job's log, with {@link LOG_LINE_BYTES}, to 2 MiB of Redis memory.
 */
export const LOG_LINES = 1_000

/** Bytes kept of one line (UTF-8); the rest is cut and replaced by {@link CUT_MARKER}. */
export const LOG_LINE_BYTES = 2_048

/** Ends a line cut at {@link LOG_LINE_BYTES}; it says how many bytes were dropped. */
const CUT_MARKER = '… [cut %d bytes]'

/** pino's level numbers → names (the ones a job log line carries). */
const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
}

/** One line of a job's log, as the API serves it. */
export interface JobLogLine {
  /** When it was written, ISO 8601 (UTC). Absent for a line jobq did not write. */
  time?: string
  /** pino's level name: trace, debug, info, warn, error, fatal. */
  level?: string
  /** The start number of the attempt that wrote it (1 on the first try). */
  attempt?: number
  message: string
  /** The object the handler logged with the message, if any. */
  fields?: Record<string, unknown>
}

/**
 * The stored form of one log call: `<ISO time> <LEVEL> #<attempt> <message>[\t<fields JSON>]`,
 * readable as is in bull-board's Logs tab and parsed back by {@link parseLogLine}. `args` are
 * pino's: `(message, ...format args)` or `(object, message?, ...format args)`.
 */
export function formatLogLine(level: number, attempt: number, args: readonly unknown[]): string {
  const [first, ...rest] = args
  let message: string
  let fields: Record<string, unknown> | undefined
  if (first !== null && typeof first === 'object') {
    fields = first instanceof Error ? { err: first.message } : errorsAsText(first)
    message = rest.length ? format(...rest) : ''
  } else {
    message = format(...args)
  }
  // A tab separates the fields: the message keeps none (fields' JSON escapes its own).
  const head = `${new Date().toISOString()} ${levelName(level).toUpperCase()} #${attempt} ${message.replaceAll('\t', ' ')}`
  return cutToBytes(fields ? `${head}\t${safeJson(fields)}` : head)
}

/** A stored line read back; a line jobq did not write (another `job.log`) is its message alone. */
export function parseLogLine(row: string): JobLogLine {
  const match = /^(\S+Z) ([A-Z]+) #(\d+) ([^\t]*)(?:\t(.*))?$/s.exec(row)
  if (!match) return { message: row }
  const [, time, level, attempt, message, json] = match
  const line: JobLogLine = {
    time,
    level: level?.toLowerCase(),
    attempt: Number(attempt),
    message: message ?? '',
  }
  if (json) {
    try {
      line.fields = JSON.parse(json) as Record<string, unknown>
    } catch {
      // cut inside its fields: keep the text, so nothing written is hidden
      line.message = `${line.message}\t${json}`
    }
  }
  return line
}

function levelName(level: number): string {
  return LEVEL_NAMES[level] ?? String(level)
}

/** Errors inside a logged object become their message (JSON would turn them into `{}`). */
function errorsAsText(object: object): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(object)) {
    out[key] = value instanceof Error ? value.message : value
  }
  return out
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch {
    return '"[unserialisable fields]"'
  }
}

/** `line` cut to {@link LOG_LINE_BYTES} UTF-8 bytes (on a character boundary), marker included. */
export function cutToBytes(line: string): string {
  // A UTF-8 character takes at most 4 bytes: a line of under a quarter of the cap always fits.
  if (line.length * 4 <= LOG_LINE_BYTES) return line
  const bytes = Buffer.from(line)
  if (bytes.length <= LOG_LINE_BYTES) return line
  const room = LOG_LINE_BYTES - 32 // the marker's own bytes
  // Dropping a partial character leaves a U+FFFD at the end: strip it.
  const kept = bytes
    .subarray(0, room)
    .toString()
    .replace(/\uFFFD+$/, '')
  return kept + format(CUT_MARKER, bytes.length - Buffer.byteLength(kept))
}
