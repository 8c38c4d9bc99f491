import { Gauge, type Registry } from 'prom-client'
import type { QueueSummary } from '@jobq/queue-core'

/** The reads behind {@link operatorGauges}, each shared by one scrape (`memo` in `metrics.ts`). */
export interface OperatorReads {
  summaries: () => Promise<QueueSummary[]>
  oldestWaiting: () => Promise<{ queue: string; ageSeconds: number }[]>
  /** Dead letters per queue: one ZCARD of each failed set. */
  deadLetters: () => Promise<{ queue: string; count: number }[]>
  /** `undefined` while Redis refuses `INFO` (the memory gauges then show no sample). */
  memory: () => Promise<{ usedBytes: number; maxBytes: number } | undefined>
}

/**
 * The gauges an operator alerts on (`infra/observability/`): how long the next job has waited,
 * how many live workers serve each queue, how many dead letters it holds, and Redis's memory against its limit. One sample per
 * registry queue (bounded cardinality) and two for Redis.
 */
export function operatorGauges(registry: Registry, reads: OperatorReads): void {
  new Gauge({
    name: 'jobq_queue_oldest_waiting_age_seconds',
    help: 'Seconds the oldest waiting job has waited (waiting includes prioritized, and delayed jobs whose time has come, aged from that time, as in jobq_queue_backlog); 0 when none waits. Paused queues are aged too',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const { queue, ageSeconds } of await reads.oldestWaiting())
        this.set({ queue }, ageSeconds)
    },
  })
  new Gauge({
    name: 'jobq_queue_workers',
    help: 'Live worker processes serving the queue: worker records whose heartbeat has not lapsed (a record expires 3 heartbeats, 15 s by default, after its last one)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const summary of await reads.summaries())
        this.set({ queue: summary.name }, summary.workers)
    },
  })
  new Gauge({
    name: 'jobq_dead_letters',
    help: 'Dead letters of the queue: failed jobs (attempts spent, or failed permanently), kept 30 days, at most 50,000 per queue (GET /v1/dead-letters)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const { queue, count } of await reads.deadLetters()) this.set({ queue }, count)
    },
  })
  new Gauge({
    name: 'jobq_redis_memory_used_bytes',
    help: "Redis's used_memory (INFO memory), in bytes",
    registers: [registry],
    async collect() {
      this.reset()
      const memory = await reads.memory()
      if (memory) this.set(memory.usedBytes)
    },
  })
  new Gauge({
    name: 'jobq_redis_memory_max_bytes',
    help: "Redis's maxmemory (INFO memory), in bytes; 0 = no limit set",
    registers: [registry],
    async collect() {
      this.reset()
      const memory = await reads.memory()
      if (memory) this.set(memory.maxBytes)
    },
  })
}
