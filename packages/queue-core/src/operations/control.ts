import type { Job } from 'bullmq'
import { requestCancel } from '../cancel.js'
import { BackendUnavailableError, JobConflictError, JobNotFoundError } from '../errors.js'
import type { OperationsContext } from './context.js'
import { findJob, type FoundJob } from './find-job.js'
import { retryThroughGate, type RetryFailedJob } from './groups/retry.js'
import { retryFailed } from './queue-admin.js'
import { dropIndexOf } from './search-add.js'
import { parseInput } from './parse-input.js'
import type { CancelOutcome, RetryOutcome } from '../contracts/control.js'
import { RequeueRequest } from '../contracts/control.js'
import type { RequeueOutcome } from '../contracts/queues.js'
import type { QueueOperations } from './queues.js'

/** How often cancel looks again when a worker takes the job between its read and its remove. */
const CANCEL_TRIES = 3

/** Change what a job does next: cancel, retry one, requeue failed ones (RQ's `requeue`). */
export class ControlOperations {
  /** A grouped job's retry goes back through its key's gate (groups/retry.ts). */
  private readonly retryJob: RetryFailedJob

  constructor(
    private readonly ctx: OperationsContext,
    /** For the queue as it is after a requeue. */
    private readonly queues: QueueOperations,
  ) {
    this.retryJob = retryThroughGate(ctx.registry, ctx.connection, ctx.prefix)
  }

  /**
   * Cancels a job (`DELETE /v1/jobs/:id`): a waiting or delayed job is removed; an active one is
   * aborted on whichever worker process holds it and ends failed with reason "cancelled", not
   * retried. Throws {@link JobConflictError} for a finished job (or a schedule's next run),
   * {@link JobNotFoundError}.
   */
  async cancel(id: string): Promise<CancelOutcome> {
    for (let tries = 1; ; tries++) {
      const { job, state } = await findJob(this.ctx, id)
      if (state === 'completed' || state === 'failed') {
        throw new JobConflictError(id, state, `job "${id}" has already ${state}`)
      }
      if (state === 'active') {
        await this.ctx.guard(() => requestCancel(this.ctx.connection, this.ctx.prefix, id))
        return { id, outcome: 'cancelling' }
      }
      try {
        await this.ctx.guard(() => job.remove())
        await dropIndexOf(this.ctx, job)
        return { id, outcome: 'removed' }
      } catch (err) {
        rethrowScheduledRun(err, job, state)
        // A worker took it between our read and the remove (it is locked): look again.
        if (tries >= CANCEL_TRIES || err instanceof BackendUnavailableError) throw err
      }
    }
  }

  /**
   * Moves one failed job back to waiting, with a fresh set of attempts. Throws
   * {@link JobConflictError} when it is not failed, {@link JobNotFoundError}.
   */
  async retry(id: string): Promise<RetryOutcome> {
    const { job } = failedOnly(await findJob(this.ctx, id))
    await this.ctx.guard(() => this.retryJob(job))
    return { id, state: 'waiting' }
  }

  /**
   * Moves failed jobs of `queue` back to waiting, each with a fresh set of attempts: every one
   * (no `ids`), or exactly those ids (a `RequeueRequest`'s). With ids, all are checked first: one
   * that is not a failed job of this queue throws ({@link JobNotFoundError},
   * {@link JobConflictError}) and none moves. `affected` = how many moved. Throws
   * `UnknownQueueError`, `JobValidationError` (malformed ids).
   */
  async requeue(queueName: string, ids?: readonly string[]): Promise<RequeueOutcome> {
    const queue = this.ctx.queueOf(queueName)
    const affected =
      ids === undefined
        ? await this.ctx.guard(() => retryFailed(queue, this.ctx.connection, this.retryJob))
        : await this.requeueIds(queueName, ids)
    return { queue: await this.queues.summary(queueName), affected }
  }

  private async requeueIds(queueName: string, raw: readonly string[]): Promise<number> {
    const { ids = [] } = parseInput(RequeueRequest, { ids: raw }, 'requeue request')
    const unique = [...new Set(ids)]
    const found = await Promise.all(unique.map((id) => findJob(this.ctx, id)))
    const jobs = found.map((one, i) => {
      if (one.job.queueName !== queueName) throw new JobNotFoundError(unique[i]!)
      return failedOnly(one).job
    })
    await this.ctx.guard(() => Promise.all(jobs.map((job) => this.retryJob(job))))
    return jobs.length
  }
}

/** The found job when it has failed; else {@link JobConflictError}. */
function failedOnly(found: FoundJob): FoundJob {
  if (found.state !== 'failed') {
    const { id } = found.job
    throw new JobConflictError(
      id!,
      found.state,
      `job "${id}" is ${found.state}; only failed jobs can be retried`,
    )
  }
  return found
}

/** BullMQ keeps a schedule's next run (its scheduler re-plans from it): not ours to drop. */
function rethrowScheduledRun(err: unknown, job: Job, state: FoundJob['state']): void {
  if (err instanceof Error && /belongs to a job scheduler/.test(err.message)) {
    throw new JobConflictError(
      job.id!,
      state,
      `job "${job.id}" is the next run of schedule "${job.repeatJobKey}": it cannot be ` +
        'cancelled before it starts (the schedule comes from its job definition); once ' +
        'it runs, DELETE aborts it',
    )
  }
}
