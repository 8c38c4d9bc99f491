import type { JobsOptions } from 'bullmq'
import type { AnyJobDefinition } from './define-job.js'
import type { EnqueueOptions } from './enqueue-options.js'

/**
 * How long finished jobs stay readable (GET /v1/jobs/:id, the dashboard) before Redis reclaims
 * them. Bounded so memory returns to its baseline under steady load.
 */
export const RETENTION = {
  completed: { age: 24 * 3_600, count: 10_000 },
  failed: { age: 7 * 24 * 3_600, count: 50_000 },
} as const

/** Merges a definition's defaults with per-enqueue options into BullMQ's job options. */
export function toBullOptions(
  definition: AnyJobDefinition,
  options: EnqueueOptions,
  jobId: string,
): JobsOptions {
  const defaults = definition.options ?? {}
  const priority = options.priority ?? defaults.priority
  return {
    jobId,
    attempts: options.attempts ?? defaults.attempts ?? 1,
    ...(defaults.backoff && { backoff: defaults.backoff }),
    ...(options.delay && { delay: options.delay }),
    ...(priority && { priority }),
    removeOnComplete: RETENTION.completed,
    removeOnFail: RETENTION.failed,
  }
}
