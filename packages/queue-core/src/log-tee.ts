import type { Logger, LogFn } from 'pino'

/**
 * Where a logger's lines are copied besides the process log: `level` is pino's number, `args`
 * what the log call got. Set on a child logger with {@link teeLogger}; its own children inherit it.
 */
export type LogTee = (level: number, args: readonly unknown[]) => void

interface Tee {
  push: LogTee
  /** The level of the process log: lines below it go to the tee only. */
  processLevel: number
}

const TEE = Symbol('jobq.logTee')

/** The lowest level a tee gets whatever the process log's level: `info`. */
const TEE_LEVEL = 'info'

/**
 * pino's `hooks.logMethod` for {@link createLogger}: copies a call to the tee of the logger it
 * was made on (pino builds children with `Object.create`, so a child's child finds it too), and
 * writes it to the process log only at or above the process log's own level. A logger without a
 * tee pays one property read.
 */
export function teeHook(this: Logger, args: Parameters<LogFn>, method: LogFn, level: number): void {
  const tee = (this as Logger & { [TEE]?: Tee })[TEE]
  if (tee) {
    tee.push(level, args)
    if (level < tee.processLevel) return
  }
  method.apply(this, args)
}

/**
 * `logger` (a child of {@link createLogger}'s, changed and returned) with its lines also sent to
 * `push`: every line at `info` and above, even where the process log is quieter (`LOG_LEVEL=warn`,
 * or silent in tests), and lower ones when the process log lets them through.
 */
export function teeLogger(logger: Logger, push: LogTee): Logger {
  const processLevel = logger.levelVal
  if (processLevel > logger.levels.values[TEE_LEVEL]!) logger.level = TEE_LEVEL
  Object.defineProperty(logger, TEE, { value: { push, processLevel } satisfies Tee })
  return logger
}
