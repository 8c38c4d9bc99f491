import type { MiddlewareHandler } from 'hono'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import {
  JOB_STATES,
  type DurationHistogram,
  type Operations,
  type QueueStats,
  type QueueSummary,
} from '@jobq/queue-core'
import { groupGauges } from './group-metrics.js'
import { operatorGauges } from './operator-gauges.js'

/** Prometheus metrics of one producer process, plus cluster-wide queue state read from Redis. */
export interface ProducerMetrics {
  registry: Registry
  /** The exposition text: this registry plus the fleet-wide job duration histogram. */
  render: () => Promise<string>
  /** Times every request (by route pattern, not raw path, to keep label sets small). */
  middleware: MiddlewareHandler
  /** Counts one request served outside hono (the enqueue's fast lane) as the middleware would. */
  observe: (method: string, route: string, status: number, startedAtMs: number) => void
  enqueued: (job: string, queue: string, count: number) => void
}

/** How long one read of Redis is shared by the metrics of a scrape. */
const SCRAPE_TTL_MS = 1_000

/**
 * A read of Redis for a scrape; while Redis refuses it (credentials, a busy script) the gauges
 * that need it show no samples, and the scrape still answers with `jobq_redis_writable 0`.
 */
function memo<T>(read: () => Promise<T>, fallback: T): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined
  return () => {
    if (!cached || Date.now() - cached.at > SCRAPE_TTL_MS) {
      const value = read().catch(() => {
        cached = undefined
        return fallback
      })
      cached = { at: Date.now(), value }
    }
    return cached.value
  }
}

/**
 * The job duration histogram of every worker, summed in Redis by the workers. prom-client
 * cannot take a histogram's buckets from outside, so it is written in the text format here.
 */
function histogramText(histograms: DurationHistogram[]): string {
  const name = 'jobq_job_duration_seconds'
  const lines = [
    `# HELP ${name} Time handlers took, every worker of the queue (completed and failed)`,
    `# TYPE ${name} histogram`,
  ]
  for (const { queue, buckets, sumMs, count } of histograms) {
    for (const { leMs, count: n } of buckets) {
      const le = leMs === Infinity ? '+Inf' : String(leMs / 1_000)
      lines.push(`${name}_bucket{le="${le}",queue="${queue}"} ${n}`)
    }
    lines.push(
      `${name}_sum{queue="${queue}"} ${sumMs / 1_000}`,
      `${name}_count{queue="${queue}"} ${count}`,
    )
  }
  return `${lines.join('\n')}\n`
}

export function createMetrics(producer: Operations): ProducerMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'jobq_producer_' })

  // Several gauges share one read of Redis per scrape.
  const summaries = memo(() => producer.queues.summaries(), [])
  const stats = memo(() => producer.fleet.stats(), [])

  queueGauges(registry, summaries)
  operatorGauges(registry, {
    summaries,
    oldestWaiting: memo(() => producer.queues.oldestWaiting(), []),
    deadLetters: memo(() => producer.deadLetters.counts(), []),
    memory: memo(() => producer.backend.memory(), undefined),
  })
  groupGauges(registry, producer, summaries)
  new Gauge({
    name: 'jobq_redis_writable',
    help: '1 when Redis takes writes (a short-lived key written at each scrape), 0 when it is away or refuses them (full, read-only, loading, busy, credentials): what /readyz reports',
    registers: [registry],
    async collect() {
      this.set((await producer.backend.probeWrite()) ? 0 : 1)
    },
  })
  for (const outcome of ['completed', 'failed'] as const) {
    new Counter({
      name: `jobq_jobs_${outcome}_total`,
      help: `Jobs ${outcome} for good (no retry left) by every worker, as the workers last wrote it (every 5 s)`,
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        this.reset()
        for (const queue of await stats()) this.inc({ queue: queue.queue }, queue[outcome])
      },
    })
  }
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

  const observe = (method: string, route: string, status: number, startedAtMs: number) =>
    http.observe({ method, route, status: String(status) }, (performance.now() - startedAtMs) / 1e3)

  return {
    registry,
    render: async () =>
      (await registry.metrics()) +
      histogramText((await stats()).map((q: QueueStats) => q.duration)),
    middleware: async (c, next) => {
      const startedAtMs = performance.now()
      await next()
      observe(c.req.method, c.req.routePath, c.res.status, startedAtMs)
    },
    observe,
    enqueued: (job, queue, count) => enqueued.inc({ queue, job }, count),
  }
}

/** The gauges read from the queues' summaries: jobs per state, backlog, paused. */
function queueGauges(registry: Registry, summaries: () => Promise<QueueSummary[]>): void {
  new Gauge({
    name: 'jobq_queue_jobs',
    help: 'Jobs per queue and state (waiting includes prioritized)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const summary of await summaries()) {
        for (const state of JOB_STATES)
          this.set({ queue: summary.name, state }, summary.counts[state])
      }
    },
  })
  new Gauge({
    name: 'jobq_queue_backlog',
    help: 'Jobs that could run now: waiting + prioritized + delayed whose time has come; 0 while the queue is paused, whose jobs show in jobq_queue_jobs (scale on this)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const summary of await summaries()) this.set({ queue: summary.name }, summary.backlog)
    },
  })
  new Gauge({
    name: 'jobq_queue_paused',
    help: '1 when the queue is paused (its jobq_queue_backlog then reads 0: no worker may take its jobs)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const summary of await summaries())
        this.set({ queue: summary.name }, summary.paused ? 1 : 0)
    },
  })
}
