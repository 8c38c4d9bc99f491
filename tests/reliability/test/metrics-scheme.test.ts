import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createOperations, type AnyRegistry } from '@jobq/queue-core'
import { freePort, testRedisUrl, useHarness } from '@jobq/queue-core/testing'
import { eventually, recordingRegistry, spawnProducer, spawnWorker } from './support.js'

const { registry } = (await import(recordingRegistry)) as { registry: AnyRegistry }

/** What the exposition text says of one metric family: its help, type and label names. */
interface Family {
  help: string
  type: string
  labels: string[]
}

/** The metric families of a Prometheus text exposition, by name. */
function families(text: string): Map<string, Family> {
  const found = new Map<string, Family>()
  const family = (name: string) => {
    let entry = found.get(name)
    if (!entry) found.set(name, (entry = { help: '', type: '', labels: [] }))
    return entry
  }
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line)
    if (meta) {
      family(meta[2]!)[meta[1] === 'HELP' ? 'help' : 'type'] = meta[3]!
      continue
    }
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? /.exec(line)
    if (!sample) continue
    // A histogram's samples carry suffixes (and `le`) on the family's name.
    const base = sample[1]!.replace(/_(bucket|sum|count)$/, '')
    const entry = found.get(sample[1]!) ?? family(found.has(base) ? base : sample[1]!)
    for (const [, label] of (sample[2] ?? '').matchAll(/(\w+)="/g)) {
      if (label !== 'le' && !entry.labels.includes(label!)) entry.labels.push(label!)
    }
  }
  for (const entry of found.values()) entry.labels.sort()
  return found
}

describe('metrics: one scheme across the producer and the worker', () => {
  const stack = useHarness({ label: 'metrics', registry })

  it('never exports one name from both processes, and each says whose count it is', async () => {
    const { prefix, waiter, processes } = stack
    const producer = stack.producer(createOperations)
    const env = { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: prefix }
    const port = await freePort()
    const worker = spawnWorker(['default'], {
      ...env,
      record: join(stack.scratchDir(), 'record.log'),
      WORKER_HTTP_PORT: String(port),
    })
    processes.push(worker)
    const api = await spawnProducer(env)
    processes.push(api.process)
    await worker.waitFor(/worker taking jobs/)

    const { id } = await producer.jobs.enqueue('demo.echo', { hi: 1 })
    await waiter.finished('default', id)
    const scrape = (url: string, until: string) =>
      eventually(
        async () => (await fetch(`${url}/metrics`)).text(),
        (text) => text.includes(until),
        { what: `${url}/metrics to show ${until}`, timeoutMs: 20_000 },
      )
    // The workers write the fleet-wide counts to Redis every 5 s; the producer reads them.
    const [workerText, producerText] = await Promise.all([
      scrape(`http://127.0.0.1:${port}`, 'jobq_worker_attempts_total{'),
      scrape(api.url, 'jobq_jobs_completed_total{queue="default"} 1'),
    ])
    const byWorker = families(workerText)
    const byProducer = families(producerText)
    const shared = [...byWorker.keys()].filter((name) => byProducer.has(name))
    for (const name of shared) expect(byWorker.get(name), name).toEqual(byProducer.get(name))
    expect(shared).toEqual([])

    expect(byWorker.get('jobq_worker_attempts_total')).toMatchObject({
      type: 'counter',
      labels: ['name', 'outcome', 'queue'],
    })
    expect(byWorker.get('jobq_worker_attempt_duration_seconds')).toMatchObject({
      type: 'histogram',
      labels: ['name', 'outcome', 'queue'],
    })
    for (const name of ['jobq_jobs_completed_total', 'jobq_jobs_failed_total']) {
      expect(byProducer.get(name)).toMatchObject({ type: 'counter', labels: ['queue'] })
    }
    expect(byProducer.get('jobq_job_duration_seconds')).toMatchObject({
      type: 'histogram',
      labels: ['queue'],
    })
    // Every job metric of the worker says it is this process's: jobq_worker_*.
    expect([...byWorker.keys()].filter((name) => !name.startsWith('jobq_worker_'))).toEqual([])
  })
})
