import type { Job } from 'bullmq'
import { attemptsUsedUp } from '../attempt-budget.js'
import { clearSavedWork } from './checkpoint.js'
import { releaseDedupeKey } from './dedupe-release.js'
import { reportParentProgress } from './fan-out.js'
import type { JobqWorker } from './jobq-worker.js'
import type { LockKeeper } from './lock-keeper.js'
import type { JobFinishedEvent } from './options.js'
import type { WorkerRuntime } from './runtime.js'

/** Where the attempts of a worker's jobs are reported, besides its runtime's record and history. */
export interface AttemptObservers {
  keeper?: LockKeeper
  onJobFinished?: (event: JobFinishedEvent) => void
}

/**
 * Reports each attempt of `worker`'s jobs as BullMQ announces it: a start to the lock keeper, the
 * record and the attempt history; an end to the record, the history, the fleet stats, the
 * `onJobFinished` hook and (for a fan-out child) its parent's progress.
 */
export function watchAttempts(
  worker: JobqWorker,
  runtime: WorkerRuntime,
  observers: AttemptObservers,
): void {
  const { record, history, logger } = runtime
  worker.on('error', (err) =>
    logger.error({ err: err.message, queue: worker.name }, 'worker error'),
  )
  worker.on('active', (job) => {
    observers.keeper?.ensureStarted()
    record.jobStarted(job.id ?? '')
    if (attemptsUsedUp(job)) history.refused(job)
    else history.started(job)
  })
  worker.on('completed', (job) => {
    history.ended(job, 'completed')
    attemptEnded(job, 'completed', runtime, observers)
  })
  worker.on('failed', (job, err) => {
    logger.warn({ jobId: job?.id, jobName: job?.name, err: err.message }, 'job failed')
    if (!job) return
    history.ended(job, 'failed', err.message)
    attemptEnded(job, 'failed', runtime, observers)
  })
}

function attemptEnded(
  job: Job,
  outcome: 'completed' | 'failed',
  runtime: WorkerRuntime,
  observers: AttemptObservers,
): void {
  const { record, fleetStats, prefix, registry } = runtime
  const durationMs = (job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now())
  record.jobFinished(job.id ?? '', outcome === 'completed' ? 'succeeded' : 'failed', durationMs)
  observers.onJobFinished?.({ queue: job.queueName, name: job.name, outcome, durationMs })
  fleetStats.observe(job.queueName, durationMs)
  // BullMQ stamps finishedOn only on a job that will not run again (no retry left).
  if (job.finishedOn) fleetStats.finished(job.queueName, outcome)
  releaseDedupeKey(job, registry)?.catch((err: Error) =>
    runtime.logger.warn({ err: err.message, jobId: job.id }, 'dedupe key not released'),
  )
  // Only a final end clears saved work: a retry (no finishedOn) skips the registry lookup.
  if (job.finishedOn) {
    const declared = registry.job(job.name)?.checkpoint !== undefined
    clearSavedWork(job, runtime.connection, declared)?.catch((err: Error) =>
      runtime.logger.warn({ err: err.message, jobId: job.id }, 'checkpoint not cleared'),
    )
  }
  const parentQueue = job.parent?.queueKey.slice(prefix.length + 1)
  if (parentQueue && registry.queues[parentQueue]) {
    reportParentProgress(job, runtime.queueHandles.get(parentQueue)).catch((err: Error) =>
      runtime.logger.warn({ err: err.message, jobId: job.id }, 'parent progress not updated'),
    )
  }
}
