import type { MiddlewareHandler } from 'hono'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { JOB_STATES, type Producer, type QueueSummary } from '@jobq/queue-core'

/** Prometheus metrics of one producer process, plus cluster-wide queue state read from Redis. */
export interface ProducerMetrics {
  registry: Registry
  /** Times every request (by route pattern, not raw path, to keep label sets small). */
  middleware: MiddlewareHandler
  enqueued: (job: string, queue: string, count: number) => void
}

/** How long one scrape's queue summary is reused by the gauges that share it. */
const SUMMARY_TTL_MS = 1_000

export function createMetrics(producer: Producer): ProducerMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'jobq_producer_' })

  let cached: { at: number; summaries: Promise<QueueSummary[]> } | undefined
  const summaries = () => {
    if (!cached || Date.now() - cached.at > SUMMARY_TTL_MS) {
      cached = { at: Date.now(), summaries: producer.summarize() }
    }
    return cached.summaries
  }

  new Gauge({
    name: 'jobq_queue_jobs',
    help: 'Jobs per queue and state (waiting includes prioritized)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const summary of await summaries()) {
        for (const state of JOB_STATES)
          this.set({ queue: summary.name, state }, summary.counts[state])
      }
    },
  })
  new Gauge({
    name: 'jobq_queue_backlog',
    help: 'Jobs that could run now: waiting + prioritized + delayed whose time has come (scale on this)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const summary of await summaries()) this.set({ queue: summary.name }, summary.backlog)
    },
  })
  new Gauge({
    name: 'jobq_queue_paused',
    help: '1 when the queue is paused',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const summary of await summaries())
        this.set({ queue: summary.name }, summary.paused ? 1 : 0)
    },
  })
  const enqueued = new Counter({
    name: 'jobq_jobs_enqueued_total',
    help: 'Jobs enqueued through this producer',
    labelNames: ['queue', 'job'],
    registers: [registry],
  })
  const http = new Histogram({
    name: 'jobq_http_request_duration_seconds',
    help: 'HTTP requests by route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })

  return {
    registry,
    middleware: async (c, next) => {
      const end = http.startTimer()
      await next()
      end({ method: c.req.method, route: c.req.routePath, status: String(c.res.status) })
    },
    enqueued: (job, queue, count) => enqueued.inc({ queue, job }, count),
  }
}
