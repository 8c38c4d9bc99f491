import { pino, type Logger } from 'pino'

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
  })
}
