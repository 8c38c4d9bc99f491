import type { JobsOptions } from 'bullmq'
import type { AnyJobDefinition } from './define-job.js'
import type { EnqueueOptions } from './enqueue-options.js'
import { VERSION_OPTION } from './versions.js'

/**
 * How long finished jobs stay readable (GET /v1/jobs/:id, the dashboard) before Redis reclaims
 * them. Bounded so memory returns to its baseline under steady load. Workers apply it when a job
 * finishes (BullMQ `Worker` options), so it is not packed into every job's options. `failed` is
 * the dead letters' retention (README "Dead letters"): 30 days, so a failure found on Monday can
 * still be redriven next month, and at most 50,000 per queue, so a burst of failures cannot fill
 * Redis (at ~2 KB a job, about 100 MB per queue at worst); the oldest go first.
 */
export const RETENTION = {
  completed: { age: 24 * 3_600, count: 10_000 },
  failed: { age: 30 * 24 * 3_600, count: 50_000 },
} as const

/** How many finished jobs to keep, and for how long (seconds): {@link RETENTION}'s shape. */
export interface Retention {
  completed: { age: number; count: number }
  failed: { age: number; count: number }
}

/**
 * BullMQ keeps job options it does not know, so a per-enqueue timeout travels with the job under
 * this key (not in `data`, which is the handler's input) and the worker reads it back.
 */
export const TIMEOUT_OPTION = 'jobqTimeoutMs'

/** The timeout an attempt of `job` gets: the per-enqueue override, else the definition's. */
export function timeoutOf(
  definition: AnyJobDefinition,
  opts: object | undefined,
): number | undefined {
  const override = (opts as Record<string, unknown> | undefined)?.[TIMEOUT_OPTION]
  return typeof override === 'number' && override > 0 ? override : definition.options?.timeoutMs
}

/**
 * Merges a definition's defaults with per-enqueue options into BullMQ's job options. Without
 * `retention` the job carries none and its worker's applies (the usual case: smaller jobs).
 */
export function toBullOptions(
  definition: AnyJobDefinition,
  options: EnqueueOptions,
  jobId: string,
  retention?: Retention,
): JobsOptions {
  const defaults = definition.options ?? {}
  const priority = options.priority ?? defaults.priority
  return {
    jobId,
    attempts: options.attempts ?? defaults.attempts ?? 1,
    ...(defaults.backoff && { backoff: defaults.backoff }),
    ...(options.delay && { delay: options.delay }),
    ...(priority && { priority }),
    ...(options.timeoutMs && { [TIMEOUT_OPTION]: options.timeoutMs }),
    // Only a job that declares versions is stamped (versions.ts): the rest are version 1.
    ...(definition.version !== undefined && {
      [VERSION_OPTION]: options.version ?? definition.version,
    }),
    ...(retention && { removeOnComplete: retention.completed, removeOnFail: retention.failed }),
  }
}

/** {@link RETENTION} with another count of completed jobs kept (`JOBQ_KEEP_COMPLETED`). */
export function keepingCompleted(count: number): Retention {
  return { ...RETENTION, completed: { ...RETENTION.completed, count } }
}
