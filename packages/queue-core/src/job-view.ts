import type { Job } from 'bullmq'
import type { JobState } from './job-state.js'

/** A job as callers see it (HTTP, CLI, client). Times are ISO-8601 strings or null. */
export interface JobView {
  id: string
  name: string
  queue: string
  state: JobState
  data: unknown
  progress: number | string | boolean | object
  result: unknown
  failedReason: string | null
  attemptsMade: number
  /** Attempts a worker took up, including ones cut off by a crash (a stalled job runs again). */
  attemptsStarted: number
  /** Times the job was found stalled (its worker died or hung) and put back in line. */
  stalledCount: number
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  workerId: string | null
}

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null)

/** Projects a BullMQ job onto the public shape. */
export function toJobView(job: Job, state: JobState): JobView {
  return {
    id: job.id ?? '',
    name: job.name,
    queue: job.queueName,
    state,
    data: job.data,
    progress: job.progress,
    result: job.returnvalue ?? null,
    failedReason: job.failedReason || null,
    attemptsMade: job.attemptsMade,
    attemptsStarted: job.attemptsStarted,
    stalledCount: job.stalledCounter,
    createdAt: new Date(job.timestamp).toISOString(),
    startedAt: iso(job.processedOn),
    finishedAt: iso(job.finishedOn),
    workerId: job.processedBy ?? null,
  }
}
