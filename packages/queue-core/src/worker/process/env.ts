import {
  baseEnvShape,
  intEnv,
  listEnv,
  optionalIntEnv,
  parseEnv,
  redisTlsOf,
} from '../../config.js'
import { z } from 'zod'
import { tracingEnvShape } from '../../tracing/env.js'

const workerEnvShape = {
  ...baseEnvShape,
  /** Traces over OTLP (README "Traces"); off unless OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  ...tracingEnvShape,
  /** Queues to serve, comma-separated; empty = all. Arguments on the command line win. */
  JOBQ_QUEUES: listEnv,
  /** Jobs at once per queue; unset = each queue's own `concurrency`. */
  JOBQ_CONCURRENCY: optionalIntEnv(1, 10_000),
  /** How long SIGTERM waits for active jobs before handing them back to their queue. */
  JOBQ_GRACE_MS: intEnv(0, 24 * 3_600_000, 30_000),
  /** Worker processes to keep alive (a supervised pool); the command line's --processes wins. */
  JOBQ_PROCESSES: intEnv(1, 256, 1),
  /** How often the worker record is refreshed; it expires after 3 missed heartbeats. */
  JOBQ_HEARTBEAT_MS: intEnv(50, 600_000, 5_000),
  /**
   * How long a job's lock lasts without renewal: a worker killed mid-job (kill -9) gives the job
   * up this long after its last renewal, and another worker runs it again.
   */
  JOBQ_LOCK_MS: intEnv(500, 3_600_000, 30_000),
  /** How often each worker looks for stalled jobs (lock expired) and puts them back in line. */
  JOBQ_STALLED_INTERVAL_MS: intEnv(100, 3_600_000, 30_000),
  /** Most completed jobs kept per queue (readable by id, at most a day) before the oldest go. */
  JOBQ_KEEP_COMPLETED: intEnv(0, 10_000_000, 10_000),
  /** Serve /healthz, /readyz and /metrics on this port; unset = no HTTP server. */
  WORKER_HTTP_PORT: optionalIntEnv(1, 65_535, 'a port number'),
  /** Host the health server binds. */
  WORKER_HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  /**
   * The module whose `registry` export the worker serves (a package name or a file path).
   * Lets a project run its own registry with this worker, and tests run fixtures.
   */
  JOBQ_REGISTRY: z.string().min(1).default('@jobq/jobs'),
}

export type WorkerEnv = ReturnType<typeof loadWorkerEnv>

/**
 * The worker's configuration, read from `source` (the app passes `process.env`: a package never
 * reads it). Throws `ConfigError` naming every bad variable.
 */
export function loadWorkerEnv(source: Record<string, string | undefined>) {
  const env = parseEnv(workerEnvShape, source)
  return { ...env, redisTls: redisTlsOf(env) }
}
