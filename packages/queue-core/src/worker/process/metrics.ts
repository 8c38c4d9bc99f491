import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { JobFinishedEvent } from '../options.js'

/**
 * The worker's Prometheus metrics, fed by `startWorker`'s `onJobFinished` hook. They count the
 * attempts of this one process (`jobq_worker_*`); the fleet-wide final outcomes of every worker
 * are the producer's (`jobq_jobs_completed_total`, ...), so a query summing both never counts a
 * job twice. Labels: `queue`, `name` (the job's name; not `job`, which Prometheus itself sets to
 * the scrape job of every series), `outcome` (`completed` or `failed`, a failed attempt counting
 * whether or not a retry follows).
 */
export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'jobq_worker_' })
  const attempts = new Counter({
    name: 'jobq_worker_attempts_total',
    help: 'Job attempts this worker process ended, per queue, job name and outcome (completed, or failed whether retried or not)',
    labelNames: ['queue', 'name', 'outcome'] as const,
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'jobq_worker_attempt_duration_seconds',
    help: 'Time a job attempt of this worker process spent in its handler, per queue, job name and outcome',
    labelNames: ['queue', 'name', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    registers: [registry],
  })
  return {
    registry,
    onJobFinished: ({ queue, name, outcome, durationMs }: JobFinishedEvent) => {
      attempts.inc({ queue, name, outcome })
      duration.observe({ queue, name, outcome }, durationMs / 1_000)
    },
  }
}
export type Metrics = ReturnType<typeof createMetrics>
