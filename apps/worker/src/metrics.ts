import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { JobFinishedEvent } from '@jobq/queue-core'

/** The worker's Prometheus metrics, fed by `startWorker`'s `onJobFinished` hook. */
export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'jobq_worker_' })
  const completed = new Counter({
    name: 'jobq_jobs_completed_total',
    help: 'Job attempts that completed, per queue and job',
    labelNames: ['queue', 'job'] as const,
    registers: [registry],
  })
  const failed = new Counter({
    name: 'jobq_jobs_failed_total',
    help: 'Job attempts that failed (retried or not), per queue and job',
    labelNames: ['queue', 'job'] as const,
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'jobq_job_duration_seconds',
    help: 'Time a job attempt spent in its handler',
    labelNames: ['queue', 'job', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    registers: [registry],
  })
  return {
    registry,
    onJobFinished: ({ queue, name, outcome, durationMs }: JobFinishedEvent) => {
      ;(outcome === 'completed' ? completed : failed).inc({ queue, job: name })
      duration.observe({ queue, job: name, outcome }, durationMs / 1_000)
    },
  }
}
export type Metrics = ReturnType<typeof createMetrics>
