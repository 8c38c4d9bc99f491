import { Gauge, type Registry } from 'prom-client'
import type { GroupView, Operations, QueueSummary } from '@jobq/queue-core'

/**
 * Keys per queue exported one by one: the busiest only, so a queue with a million tenants still
 * makes at most 2 × TOP_KEYS series (a series per key would grow without bound).
 */
export const TOP_KEYS = 10

/**
 * Flow-control gauges (README "Flow control"): `jobq_group_keys{queue}`, the keys with work,
 * and `jobq_group_jobs{queue,job,key,state}` (`active`: holding a slot; `waiting`: held back by
 * the key's limits) for the {@link TOP_KEYS} busiest keys of each queue. One read per queue and
 * scrape; a queue without grouped jobs answers 0 keys.
 */
export function groupGauges(
  registry: Registry,
  producer: Operations,
  summaries: () => Promise<QueueSummary[]>,
): void {
  let cached: { at: number; value: Promise<{ queue: string; total: number; top: GroupView[] }[]> }
  const read = () => {
    if (!cached || Date.now() - cached.at > 1_000) {
      const value = summaries().then((queues) =>
        Promise.all(
          queues.map(async ({ name }) => {
            const page = await producer.groups.list(name, { limit: TOP_KEYS })
            return { queue: name, total: page.total, top: page.groups }
          }),
        ),
      )
      cached = { at: Date.now(), value: value.catch(() => []) }
    }
    return cached.value
  }
  new Gauge({
    name: 'jobq_group_keys',
    help: 'Keys of grouped jobs with work (jobs holding a slot or held back), per queue',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const { queue, total } of await read()) this.set({ queue }, total)
    },
  })
  new Gauge({
    name: 'jobq_group_jobs',
    help: `Jobs of the ${TOP_KEYS} busiest keys of each queue: active (holding a slot: running or next in line) and waiting (held back by the key's limits)`,
    labelNames: ['queue', 'job', 'key', 'state'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const { queue, top } of await read()) {
        for (const { job, key, active, waiting } of top) {
          this.set({ queue, job, key, state: 'active' }, active)
          this.set({ queue, job, key, state: 'waiting' }, waiting)
        }
      }
    },
  })
}
