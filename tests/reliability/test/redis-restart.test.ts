import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  JobWaiter,
  startRedisServer,
  useHarness,
  uniquePrefix,
  type NodeProcess,
  type RedisServer,
} from '@jobq/queue-core/testing'
import {
  eventually,
  exactlyOnce,
  readRecord,
  report,
  spawnProducer,
  spawnWorker,
} from './support.js'

const JOBS = 10_000
const BATCH = 1_000
const OUTAGE_MS = 3_000
// With Redis's default `appendfsync everysec`, a kill -9 can lose the last second of writes:
// completions in it are replayed (jobs run again: at least once). `always` makes every
// acknowledged write durable, which is what lets this test demand exactly once.
const DURABLE = ['--appendfsync', 'always']

describe('3. Redis restart (AOF on, kill -9) with jobs waiting and workers running', () => {
  let server: RedisServer | undefined
  let waiter: JobWaiter | undefined
  // Hooks run as a stack: the harness (processes, scratch folder) closes before the server stops.
  afterEach(async () => {
    await waiter?.close()
    await server?.stop()
  })
  const h = useHarness({ label: 'restart' })
  let processes: NodeProcess[]
  let dir: string
  beforeEach(() => {
    processes = h.processes
    dir = h.scratchDir()
  })

  it('loses no acknowledged job; producer and workers reconnect by themselves', async () => {
    server = await startRedisServer({ appendonly: true, dir: dir, args: DURABLE })
    const prefix = uniquePrefix('restart')
    const record = join(dir, 'record.log')
    const env = { REDIS_URL: server.url, JOBQ_PREFIX: prefix }
    const producer = await spawnProducer(env)
    processes.push(producer.process)
    const workers = [0, 1].map(() =>
      spawnWorker(['default', '--concurrency', '10'], { ...env, record }),
    )
    processes.push(...workers)
    await Promise.all(workers.map((w) => w.waitFor(/worker taking jobs/)))

    const api = (path: string, init?: RequestInit) =>
      fetch(`${producer.url}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(10_000),
      })
    const enqueue = async (count: number, tag: string) => {
      const res = await api('/v1/jobs/demo.sleep/bulk', {
        method: 'POST',
        body: JSON.stringify({
          items: Array.from({ length: count }, (_, i) => ({ data: { ms: 5, message: tag + i } })),
        }),
      })
      expect(res.status).toBe(202)
      return ((await res.json()) as { ids: string[] }).ids
    }

    // Acknowledged = answered 202: these must all run, whatever happens to Redis.
    const acknowledged: string[] = []
    for (let i = 0; i < JOBS / BATCH; i++) acknowledged.push(...(await enqueue(BATCH, `b${i}-`)))
    await eventually(
      () => readRecord(record).dones.size,
      (n) => n >= 500,
      { timeoutMs: 20_000, intervalMs: 10 },
    )

    server.process.kill('SIGKILL')
    await server.stop()
    const killedAt = performance.now()
    const doneAtKill = readRecord(record).dones.size

    // While Redis is down: a fast 503 on every route that needs it, never a hung request.
    const downAnswers: Record<string, { status: number; ms: number }> = {}
    for (const [method, path, body] of [
      ['POST', '/v1/jobs/demo.sleep', { data: { ms: 1 } }],
      ['POST', '/v1/jobs/demo.sleep/bulk', { count: 3, data: { ms: 1 } }],
      ['GET', `/v1/jobs/${acknowledged[0]}`],
      ['GET', '/v1/queues'],
      ['GET', '/readyz'],
    ] as const) {
      const started = performance.now()
      const res = await api(path, { method, body: body && JSON.stringify(body) })
      downAnswers[`${method} ${path.replace(acknowledged[0]!, ':id')}`] = {
        status: res.status,
        ms: Math.round(performance.now() - started),
      }
      if (path !== '/readyz') expect(res.headers.get('retry-after')).toBe('1')
    }
    for (const [route, { status, ms }] of Object.entries(downAnswers)) {
      expect(status, route).toBe(503)
      expect(ms, route).toBeLessThan(1_000)
    }
    // Both workers have noticed (they log it) before Redis comes back.
    await Promise.all(workers.map((w) => w.waitFor(/redis connection error/)))
    // An outage of a few seconds, not a blip: long enough for every client to be deep in its
    // reconnect backoff (where BullMQ users see workers that never take a job again).
    await sleep(OUTAGE_MS - (performance.now() - killedAt))

    server = await startRedisServer({
      port: server.port,
      appendonly: true,
      dir: dir,
      args: DURABLE,
    })
    const restartedAt = performance.now()
    const downMs = Math.round(restartedAt - killedAt)
    const linesAtRestart = readRecord(record).dones.size

    await eventually(
      async () => (await api('/readyz')).status,
      (status) => status === 200,
      30_000,
    )
    const producerBackMs = Math.round(performance.now() - restartedAt)
    await eventually(
      () => readRecord(record).dones.size,
      (n) => n > linesAtRestart,
      { timeoutMs: 30_000, intervalMs: 10 },
    )
    const workersBackMs = Math.round(performance.now() - restartedAt)
    acknowledged.push(...(await enqueue(100, 'after-')))

    const recorded = await eventually(
      () => readRecord(record),
      (r) => acknowledged.every((id) => r.dones.has(id)),
      { timeoutMs: 120_000, intervalMs: 100 },
    )
    const allDoneMs = Math.round(performance.now() - restartedAt)
    expect(exactlyOnce(recorded, acknowledged)).toEqual({
      missing: [],
      duplicated: [],
      unknown: [],
    })

    // Neither worker stayed idle after the reconnect: each finished jobs once Redis was back.
    const after = [...recorded.doneBy.entries()].slice(linesAtRestart)
    for (const worker of workers) {
      expect(
        after.filter(([, pid]) => pid === worker.child.pid).length,
        `worker ${worker.child.pid} after the restart`,
      ).toBeGreaterThan(100)
    }
    waiter = new JobWaiter(server.url, prefix)
    const counts = await waiter.counts('default')
    expect(counts).toMatchObject({ waiting: 0, active: 0, failed: 0, delayed: 0 })
    expect(workers.every((w) => w.child.exitCode === null)).toBe(true)

    report('redis-restart', {
      acknowledged: acknowledged.length,
      doneAtKill,
      downMs,
      downAnswers,
      producerBackMs,
      workersBackMs,
      allDoneMs,
      rerunAfterRestart: [...recorded.starts.values()].filter((n) => n > 1).length,
    })
  })
})
