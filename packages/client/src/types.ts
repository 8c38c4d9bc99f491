import type {
  AppRegistry,
  BulkEnqueued,
  EnqueuedJob,
  EnqueueOptions,
  InputOf,
  JobView,
  OutputOf,
} from '@jobq/jobs'

type Jobs = AppRegistry['jobs']

/** Every job name the registry knows. */
export type JobName = Extract<keyof Jobs, string>

/** What a caller sends as `data` for job `N` (defaults may be left out). */
export type JobInput<N extends JobName> = InputOf<Jobs[N]>

/** What a finished job `N` returns. */
export type JobResult<N extends JobName> = OutputOf<Jobs[N]>

/**
 * Per-enqueue options: delay, priority, attempts, timeoutMs, jobId (an idempotency key, not the
 * job's id).
 */
export type { EnqueueOptions }

/** What a bulk enqueue answers: per item, its job id and whether it was made now. */
export type { BulkEnqueued }

/** What enqueue answers, typed by the job's name. */
export type EnqueuedHandle<N extends JobName = JobName> = EnqueuedJob & { name: N }

/** A job as `get()` answers it. */
export type Job<N extends JobName = JobName> = Omit<JobView, 'name' | 'data' | 'result'> & {
  name: N
  data: JobInput<N>
  result: JobResult<N> | null
}

/** One event of a job's stream. */
export type ClientJobEvent<N extends JobName = JobName> =
  | { type: 'state'; job: Job<N> }
  | { type: 'progress'; progress: unknown }
  | { type: 'retrying'; reason: string; attemptsMade: number }
  | { type: 'completed'; result: JobResult<N> }
  | { type: 'failed'; reason: string }
