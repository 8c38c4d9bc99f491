import { HAND_BACK_MS } from '../options.js'

/**
 * How `jobq worker` ends (README, "Stopping a worker"; `jobq worker --help`). A stop never hangs:
 * after SIGTERM or SIGINT the process is gone within the grace period plus {@link STOP_MARGIN_MS}.
 */
export const EXIT = {
  /** Stopped on a signal, cleanly: every job it took finished or went back to its queue. */
  clean: 0,
  /** Could not start: bad configuration, a setup() that threw, a registry that does not load. */
  startFailed: 1,
  /** A command line it cannot understand. */
  usage: 2,
  /**
   * Stopped on a signal, but not cleanly: Redis did not confirm the hand-back in time (it was
   * unreachable), or the stop came while the worker was still starting and it did not finish
   * starting within {@link STOP_MARGIN_MS}, or (a pool) a process had to be killed. A job it could
   * not hand back stays locked until its lock expires; then any live worker's stalled check
   * returns it to its queue, so it runs again: never lost.
   */
  forced: 3,
} as const

/**
 * What a stop may take beyond the grace period: the hand-back after it (`HAND_BACK_MS`, 2 s) and
 * 1 s for the process to log and exit. The process ends by then, whatever Redis or a handler
 * does; a pool's parent allows its processes this much, then one second more before SIGKILL.
 */
export const STOP_MARGIN_MS = HAND_BACK_MS + 1_000
