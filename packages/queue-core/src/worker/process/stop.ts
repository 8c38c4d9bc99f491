import type { Logger } from '../../logger.js'
import type { RunningWorker } from '../options.js'
import { EXIT, STOP_MARGIN_MS } from './exit-codes.js'

/** How a worker process reacts to SIGTERM and SIGINT, from its start to its end. */
export interface StopControl {
  /** Call once the worker takes jobs: a stop requested while it started is carried out now. */
  started(worker: RunningWorker): Promise<void>
  /** True once a stop was requested (readiness turns false). */
  readonly requested: boolean
}

/**
 * Listens for SIGTERM and SIGINT. A stop is idempotent and bounded: the first signal sets a
 * deadline that ends the process whatever happens (a Redis that does not answer, a setup() that
 * never returns); a second signal (Ctrl-C after a pool parent's SIGTERM, an impatient operator)
 * changes nothing. `exit` ends the process with an {@link EXIT} code.
 */
export function listenForStop(options: {
  logger: Logger
  graceMs: number
  exit: (code: number) => never
}): StopControl {
  const { logger, graceMs, exit } = options
  let signalAt: number | undefined
  let worker: RunningWorker | undefined
  let stopping: Promise<void> | undefined
  let deadline: NodeJS.Timeout | undefined

  const exitBy = (ms: number, why: string) => {
    clearTimeout(deadline)
    deadline = setTimeout(() => {
      logger.error({ graceMs }, `${why}: exiting, unfinished jobs left to the stalled check`)
      exit(EXIT.forced)
    }, ms)
  }
  const stop = (running: RunningWorker, since: number) => {
    // The grace period counts from the signal, also when it came while the worker started.
    const left = Math.max(0, graceMs - (Date.now() - since))
    exitBy(left + STOP_MARGIN_MS, 'worker stop took too long')
    return (stopping ??= (async () => {
      const { drained, clean } = await running.close(left).catch((err: unknown) => {
        logger.error({ err }, 'worker stop failed')
        return { drained: false, clean: false }
      })
      logger.info({ drained, clean }, 'worker stopped')
      exit(clean ? EXIT.clean : EXIT.forced)
    })())
  }
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalAt !== undefined) return logger.info({ signal }, 'already stopping')
    signalAt = Date.now()
    logger.info({ signal, graceMs }, 'worker stopping: no new jobs, finishing active ones')
    if (worker) return void stop(worker, signalAt)
    // Still starting: no job was taken yet, so there is nothing to drain. A boot that finishes
    // soon is stopped like a running worker; one stuck on Redis or in setup() is left.
    exitBy(STOP_MARGIN_MS, 'stopped while starting (redis unreachable or setup() running)')
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)

  return {
    get requested() {
      return signalAt !== undefined
    },
    async started(running) {
      worker = running
      if (signalAt !== undefined) await stop(running, signalAt)
    },
  }
}
