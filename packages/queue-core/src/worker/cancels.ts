import { listenForCancels } from '../cancel.js'
import type { JobqWorker } from './jobq-worker.js'
import { CANCEL_SIGNAL_REASON } from './run-job.js'
import type { WorkerRuntime } from './runtime.js'

/** The worker's subscription to cancel requests. */
export interface CancelSubscription {
  /** Unsubscribes and closes the subscriber connection. */
  close(): Promise<void>
  /** Drops the subscriber connection at once (a close Redis did not confirm). */
  disconnect(): void
}

/**
 * Subscribes to the cancel channel; resolves once subscribed. A request aborts the job's run in
 * this process, or asks BullMQ to abort it when a sandboxed worker of `workers` holds it; a
 * request for a job that does not run here is remembered a while, in case its run is starting.
 */
export async function subscribeToCancels(
  runtime: WorkerRuntime,
  workers: readonly JobqWorker[],
): Promise<CancelSubscription> {
  // A dedicated connection: once subscribed, a connection can do nothing else.
  const subscriber = runtime.connection.duplicate()
  subscriber.on('error', () => {}) // the main connection already reports Redis trouble
  try {
    const unsubscribe = await listenForCancels(subscriber, runtime.prefix, (jobId) => {
      const run = runtime.runs.get(jobId)
      run?.abort(CANCEL_SIGNAL_REASON)
      // A sandboxed job is BullMQ's to abort (it tells the child process).
      const held = workers.filter((worker) => worker.cancelJob(jobId, CANCEL_SIGNAL_REASON))
      if (run || held.length) runtime.logger.info({ jobId }, 'cancel requested: aborting the job')
      // Not running here, or not yet: its run may be about to start (see recent-cancels.ts).
      else runtime.recentCancels.remember(jobId)
    })
    return {
      async close() {
        await unsubscribe()
        subscriber.disconnect()
      },
      disconnect: () => subscriber.disconnect(),
    }
  } catch (err) {
    subscriber.disconnect()
    throw err
  }
}
