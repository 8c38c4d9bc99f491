import { baseEnvShape, intEnv, listEnv, parseEnv } from '@jobq/queue-core'
import { z } from 'zod'

const workerEnvShape = {
  ...baseEnvShape,
  /** Queues to serve, comma-separated; empty = all. Arguments on the command line win. */
  JOBQ_QUEUES: listEnv,
  /** Jobs at once per queue; unset = each queue's own `concurrency`. */
  JOBQ_CONCURRENCY: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(10_000, 'must be at most 10000')
    .optional(),
  /** How long SIGTERM waits for active jobs before handing them back to their queue. */
  JOBQ_GRACE_MS: intEnv(0, 24 * 3_600_000, 30_000),
}

export type WorkerEnv = ReturnType<typeof loadEnv>

/** The only place the worker reads `process.env`; throws `ConfigError` naming bad variables. */
export function loadEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv(workerEnvShape, source)
}
