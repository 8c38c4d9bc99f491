import { setTimeout as sleep } from 'node:timers/promises'
import type { CancelSubscription } from './cancels.js'
import type { JobqWorker } from './jobq-worker.js'
import type { LockKeeper } from './lock-keeper.js'
import { SHUTDOWN_SIGNAL_REASON } from './run-job.js'
import type { WorkerRuntime } from './runtime.js'

/** What a running worker closes, besides its runtime. */
export interface ClosableParts {
  workers: readonly JobqWorker[]
  cancels: CancelSubscription
  keeper?: LockKeeper
}

/**
 * `RunningWorker.close`: stops taking jobs, waits up to `graceMs` for the active ones, then
 * aborts the rest and hands them back to their queue; the Redis steps after that are bounded by
 * `handBackMs`. Resolves with `drained` (active jobs finished in the grace period) and `clean`
 * (everything Redis had to confirm was confirmed in time).
 */
export async function closeWorker(
  runtime: WorkerRuntime,
  parts: ClosableParts,
  graceMs: number,
  handBackMs: number,
): Promise<{ drained: boolean; clean: boolean }> {
  const { record, logger } = runtime
  void record.setState('stopping').catch(() => undefined)
  const closing = Promise.all(parts.workers.map((worker) => worker.close()))
  const drained = await Promise.race([
    closing.then(() => true),
    sleep(graceMs, false, { ref: false }),
  ])
  if (!drained) {
    logger.warn({ graceMs }, 'grace period over: handing active jobs back to their queues')
    abortActive(runtime, parts.workers)
  }
  // Every step below waits on Redis; bounded, so a Redis that does not answer cannot keep the
  // process alive (it used to, for good, retrying every few seconds).
  const clean = await Promise.race([
    releaseAll(runtime, parts, closing, drained).then(
      () => true,
      () => false,
    ),
    sleep(handBackMs, false, { ref: false }),
  ])
  await parts.keeper?.stop()
  runtime.recentCancels.clear()
  if (!clean) {
    parts.cancels.disconnect()
    logger.warn({ handBackMs }, 'stop not confirmed by Redis: unfinished jobs stay locked')
  }
  return { drained, clean }
}

/** Aborts every run still active once the grace period is over: each hands its job back. */
function abortActive(runtime: WorkerRuntime, workers: readonly JobqWorker[]): void {
  runtime.shutdown.abort()
  for (const run of runtime.runs.values()) run.abort(SHUTDOWN_SIGNAL_REASON)
  // Sandboxed jobs learn it through their signal; the child hands its job back.
  for (const worker of workers) worker.cancelAllJobs(SHUTDOWN_SIGNAL_REASON)
}

/** Once the BullMQ workers are closed: records the hand-backs, then releases every resource. */
async function releaseAll(
  runtime: WorkerRuntime,
  parts: ClosableParts,
  closing: Promise<unknown>,
  drained: boolean,
): Promise<void> {
  await closing
  if (!drained) {
    // No figure: a stop passes what is left of its grace, not what was configured.
    runtime.history.handBackAll('the worker shut down and its grace period ran out')
  }
  await runtime.history.flush()
  await parts.cancels.close()
  await runtime.fleetStats.close()
  await runtime.queueHandles.close()
  await runtime.record.remove()
}
