import type { Job } from 'bullmq'
import type { AttemptEntry } from './attempt-history.js'
import type { JobState } from './job-state.js'
import { versionOfJob } from './versions.js'

/** A job as callers see it (HTTP, CLI, client). Times are ISO-8601 strings or null. */
export interface JobView {
  id: string
  name: string
  queue: string
  state: JobState
  data: unknown
  /** The payload version `data` was validated against (versions.ts); 1 for unstamped jobs. */
  version: number
  progress: number | string | boolean | object
  result: unknown
  failedReason: string | null
  attemptsMade: number
  /** Attempts a worker took up, including ones cut off by a crash (a stalled job runs again). */
  attemptsStarted: number
  /** Times the job was found stalled (its worker died or hung) and put back in line. */
  stalledCount: number
  createdAt: string
  /** When the last attempt that ran the handler started. */
  startedAt: string | null
  finishedAt: string | null
  /** The worker that ran the last attempt (never one that only refused to start it). */
  workerId: string | null
  /**
   * Every start of the job by a worker, oldest first, kept across retries. Present on a single
   * job's view (`GET /v1/jobs/:id`); lists leave it out.
   */
  history?: AttemptEntry[]
}

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null)

/** Projects a BullMQ job onto the public shape; `history` as `readHistory` answered it. */
export function toJobView(job: Job, state: JobState, recorded?: AttemptEntry[]): JobView {
  const history = recorded && settled(recorded, job, state)
  // BullMQ stamps processedOn/processedBy at every start, also one jobq refuses because the
  // job's attempts are used up: the history names the worker that really ran it.
  const last = history?.at(-1)
  return {
    id: job.id ?? '',
    name: job.name,
    queue: job.queueName,
    state,
    data: job.data,
    version: versionOfJob(job.opts),
    progress: job.progress,
    result: job.returnvalue ?? null,
    failedReason: job.failedReason || null,
    attemptsMade: job.attemptsMade,
    attemptsStarted: job.attemptsStarted,
    stalledCount: job.stalledCounter,
    createdAt: new Date(job.timestamp).toISOString(),
    startedAt: last ? last.startedAt : iso(job.processedOn),
    finishedAt: iso(job.finishedOn),
    workerId: last ? last.workerId : (job.processedBy ?? null),
    ...(history && { history }),
  }
}

/**
 * The worker records an attempt's end just after BullMQ finishes the job, so a reader can see a
 * final state a moment before the end of its last attempt: that attempt ended as the job did.
 */
function settled(history: AttemptEntry[], job: Job, state: JobState): AttemptEntry[] {
  const last = history.at(-1)
  if (last?.outcome !== 'running' || (state !== 'completed' && state !== 'failed')) return history
  const ended: AttemptEntry = {
    ...last,
    outcome: state,
    endedAt: iso(job.finishedOn),
    reason: state === 'failed' ? job.failedReason || null : null,
  }
  return [...history.slice(0, -1), ended]
}
