import { pino, type Logger } from 'pino'
import { teeHook } from './log-tee.js'

export type { Logger }

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** @defaultValue 'info' */
  level?: string
  /** Names the process in every line, e.g. `producer` or `worker`. */
  name?: string
}

/** JSON lines on stdout (pino): cheap enough for the hot path, easy to ship to any log store. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({
    level: options.level ?? 'info',
    base: { name: options.name, pid: process.pid },
    // Tokens and passwords must never reach a log line.
    redact: ['req.headers.authorization', 'password', 'token'],
    serializers: { err: serializeError },
    // A job's logger copies its lines to the job's log (worker/job-log-buffer.ts).
    hooks: { logMethod: teeHook },
  })
}

/**
 * pino's error serializer, minus what ioredis attaches to a Redis error: `command.args` (for a
 * failed AUTH, the password itself; for others, job payloads) and `previousErrors` (more of the
 * same). The command's name stays: it is what tells which call failed.
 */
function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err
  const serialized = pino.stdSerializers.err(err) as Record<string, unknown>
  const command = serialized.command as { name?: unknown } | undefined
  if (command) serialized.command = { name: command.name }
  if (Array.isArray(serialized.previousErrors)) {
    serialized.previousErrors = serialized.previousErrors.length
  }
  return serialized
}
