import { spawn, type ChildProcess } from 'node:child_process'
import type { Logger } from '../../logger.js'
import { EXIT, STOP_MARGIN_MS } from './exit-codes.js'

/** Options of {@link runPool}. */
export interface PoolOptions {
  processes: number
  /** The worker's entry script and the arguments each process gets. */
  script: string
  args: string[]
  /** The environment of process `index` (0-based). */
  envOf(index: number): Record<string, string | undefined>
  logger: Logger
  /** First restart delay after a quick death; doubles per quick death in a row. @defaultValue 250 */
  restartDelayMs?: number
  /** @defaultValue 30000 */
  maxRestartDelayMs?: number
  /** Stops the pool like SIGTERM does; given, the pool does not listen to process signals. */
  stopSignal?: AbortSignal
  /**
   * The grace period each process was given: after a stop, a process still alive once it and
   * the processes' own margin (`STOP_MARGIN_MS`) have passed, plus 1 s, is killed (SIGKILL), so
   * the pool too ends in bounded time. @defaultValue 30000
   */
  graceMs?: number
}

/** A process that lived this long died of something else than a crash loop: restart it at once. */
const HEALTHY_AFTER_MS = 10_000

/**
 * Keeps `processes` worker processes alive: a process that dies is started again, after a delay
 * that doubles while processes keep dying young (a crash loop must not spin the CPU or flood the
 * logs). SIGTERM and SIGINT are passed on to every process; resolves with `EXIT.clean` once all
 * have exited cleanly after such a signal, `EXIT.forced` if any did not (or had to be killed
 * because it outlived its own stop deadline). Each process runs its own setup() and takes jobs on
 * its own, so a crash costs one process's jobs, which BullMQ's stalled check returns.
 */
export function runPool(options: PoolOptions): Promise<number> {
  const { logger } = options
  const baseDelay = options.restartDelayMs ?? 250
  const maxDelay = options.maxRestartDelayMs ?? 30_000
  const children = new Map<number, ChildProcess>()
  const quickDeaths = new Map<number, number>()
  const timers = new Set<NodeJS.Timeout>()
  let stopping = false
  let failedStop = false

  return new Promise((resolve) => {
    const start = (index: number) => {
      const startedAt = Date.now()
      const child = spawn(
        process.execPath,
        [...process.execArgv, options.script, ...options.args],
        {
          env: options.envOf(index),
          stdio: 'inherit',
        },
      )
      children.set(index, child)
      logger.info({ index, pid: child.pid }, 'worker process started')
      child.once('exit', (code, signal) => {
        children.delete(index)
        if (stopping) {
          if (code !== 0) failedStop = true
          logger.info({ index, pid: child.pid, code, signal }, 'worker process stopped')
          if (children.size === 0) resolve(failedStop ? EXIT.forced : EXIT.clean)
          return
        }
        const quick = Date.now() - startedAt < HEALTHY_AFTER_MS
        const deaths = quick ? (quickDeaths.get(index) ?? 0) + 1 : 0
        quickDeaths.set(index, deaths)
        const delay = deaths === 0 ? 0 : Math.min(maxDelay, baseDelay * 2 ** (deaths - 1))
        logger.warn(
          { index, pid: child.pid, code, signal, restartInMs: delay },
          'worker process died: restarting it',
        )
        const timer = setTimeout(() => {
          timers.delete(timer)
          if (!stopping) start(index)
        }, delay)
        timers.add(timer)
      })
    }

    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return
      stopping = true
      logger.info({ signal, processes: children.size }, 'pool stopping: passing the signal on')
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      if (children.size === 0) resolve(EXIT.clean)
      // SIGTERM to each even on Ctrl-C: the terminal already sent SIGINT to the whole group, and
      // a second SIGINT-driven stop in the child is harmless (stop is idempotent there).
      for (const child of children.values()) child.kill('SIGTERM')
      // Each process ends itself by its own deadline; one that does not (frozen, or stopped
      // before it listened for signals) is killed, its jobs left to the stalled check.
      const killAt = (options.graceMs ?? 30_000) + STOP_MARGIN_MS + 1_000
      setTimeout(() => {
        for (const [index, child] of children) {
          logger.error({ index, pid: child.pid }, 'worker process did not stop in time: killing it')
          failedStop = true
          child.kill('SIGKILL')
        }
      }, killAt).unref()
    }
    if (options.stopSignal) {
      options.stopSignal.addEventListener('abort', () => stop('SIGTERM'), { once: true })
    } else {
      process.on('SIGTERM', () => stop('SIGTERM'))
      process.on('SIGINT', () => stop('SIGINT'))
    }

    for (let index = 0; index < options.processes; index++) start(index)
    logger.info({ processes: options.processes }, 'pool started')
  })
}
