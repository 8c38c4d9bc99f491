import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createRedis, waitForReady, type Redis } from '@jobq/queue-core'
import {
  freePort,
  startRedisServer,
  uniquePrefix,
  type NodeProcess,
  type RedisServer,
} from '@jobq/queue-core/testing'
import {
  eventually,
  exactlyOnce,
  postJson,
  readRecord,
  report,
  rssOf,
  scratch,
  spawnProducer,
  spawnWorker,
  usedMemory,
} from './support.js'

// 7. Load and memory: JOBS jobs through the HTTP API (bulk requests of BATCH) and two worker
// processes. Set JOBQ_LOAD_JOBS to run another size (the docs quote the default).
const JOBS = Number(process.env.JOBQ_LOAD_JOBS ?? 200_000)
const BATCH = 2_000
const WARMUP = 10_000
const KEEP_COMPLETED = 1_000

describe(`7. load: ${JOBS} jobs through the API and two workers`, () => {
  let server: RedisServer | undefined
  let redis: Redis | undefined
  const processes: NodeProcess[] = []
  const tmp = scratch('load')

  afterEach(async () => {
    processes.splice(0).forEach((p) => p.kill())
    redis?.disconnect()
    await server?.stop()
    tmp.cleanup()
  })

  it('completes every job exactly once; Redis memory and worker RSS come back flat', async () => {
    server = await startRedisServer()
    redis = createRedis({ url: server.url, role: 'worker' })
    await waitForReady(redis, 5_000)
    const memory = async () => usedMemory(await redis!.info('memory'))
    const coldMemory = await memory()

    const prefix = uniquePrefix('load')
    const record = join(tmp.dir, 'record.log')
    const env = { REDIS_URL: server.url, JOBQ_PREFIX: prefix }
    const producer = await spawnProducer({
      ...env,
      JOBQ_KEEP_COMPLETED: String(KEEP_COMPLETED),
    })
    processes.push(producer.process)
    const ports = [await freePort(), await freePort()]
    const heapOf = async (port: number) => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      return Math.round(
        Number(/^jobq_worker_nodejs_heap_size_used_bytes (\d+)/m.exec(text)?.[1]) / 1048576,
      )
    }
    const workers = ports.map((port) =>
      spawnWorker(['default', '--concurrency', '50'], {
        ...env,
        record,
        LOG_LEVEL: 'warn',
        WORKER_HTTP_PORT: String(port),
        WORKER_HTTP_HOST: '127.0.0.1',
      }),
    )
    processes.push(...workers)
    await eventually(
      async () => (await redis!.scard(`${prefix}:workers`)) === 2,
      (ready) => ready,
    )

    const post = async (path: string, body: unknown) => {
      const res = await postJson(`${producer.url}${path}`, body)
      expect(res.status, res.text.slice(0, 300)).toBe(202)
      return (JSON.parse(res.text) as { ids: string[] }).ids
    }
    const backlog = async () => {
      const key = (s: string) => `${prefix}:default:${s}`
      const [wait, active, prioritized] = await Promise.all([
        redis!.llen(key('wait')),
        redis!.llen(key('active')),
        redis!.zcard(key('prioritized')),
      ])
      return wait + active + prioritized
    }
    const drained = () => eventually(backlog, (n) => n === 0, 600_000, 250)
    const completedTotal = async () => {
      const res = await fetch(`${producer.url}/metrics`)
      const text = await res.text()
      return Number(/^jobq_jobs_completed_total\{queue="default"\} (\d+)/m.exec(text)?.[1] ?? NaN)
    }

    // Warm-up: fills what is bounded but not empty at rest (the kept completed jobs, BullMQ's
    // event stream, its metrics), so the baseline is what steady state looks like.
    const warmIds: string[] = []
    for (let i = 0; i < WARMUP; i += BATCH) {
      warmIds.push(...(await post('/v1/jobs/demo.echo/bulk', { count: BATCH, data: { warm: i } })))
    }
    await drained()
    await eventually(
      () => readRecord(record).dones.size,
      (n) => n >= WARMUP,
    )
    const baseline = await memory()
    const rssBefore = workers.map((w) => rssOf(w.child.pid!))

    const started = performance.now()
    const ids: string[] = []
    let peakMemory = 0
    const rssPeak = [...rssBefore]
    const rssSamples: number[][] = []
    for (let i = 0; i < JOBS; i += BATCH) {
      const count = Math.min(BATCH, JOBS - i)
      ids.push(...(await post('/v1/jobs/demo.echo/bulk', { count, data: { batch: i } })))
      if (i % (BATCH * 5) === 0) {
        peakMemory = Math.max(peakMemory, await memory())
        workers.forEach((w, k) => (rssPeak[k] = Math.max(rssPeak[k]!, rssOf(w.child.pid!))))
        rssSamples.push([
          ...workers.map((w) => Math.round(rssOf(w.child.pid!) / 1048576)),
          ...(await Promise.all(ports.map(heapOf))),
        ])
      }
    }
    const enqueuedMs = Math.round(performance.now() - started)
    await drained()
    const totalMs = Math.round(performance.now() - started)

    // Exactly once, by the handlers' own record: every id once, none twice, nothing else.
    const recorded = readRecord(record)
    expect(exactlyOnce(recorded, [...warmIds, ...ids])).toEqual({
      missing: [],
      duplicated: [],
      unknown: [],
    })
    expect(recorded.dones.size).toBe(WARMUP + JOBS)
    // BullMQ's count agrees: completed equals enqueued.
    expect(await completedTotal()).toBe(WARMUP + JOBS)
    // Retention did its job: only the last KEEP_COMPLETED are still readable.
    expect(await redis.zcard(`${prefix}:default:completed`)).toBeLessThanOrEqual(KEEP_COMPLETED)

    const after = await memory()
    const rssAfter = workers.map((w) => rssOf(w.child.pid!))
    const MiB = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10
    report('load-memory', {
      jobs: JOBS,
      enqueuedMs,
      totalMs,
      jobsPerSecond: Math.round(JOBS / (totalMs / 1_000)),
      redisMiB: {
        cold: MiB(coldMemory),
        baseline: MiB(baseline),
        peak: MiB(peakMemory),
        after: MiB(after),
      },
      rssSamples,
      heap: await Promise.all(ports.map(heapOf)),
      workerRssMiB: {
        before: rssBefore.map(MiB),
        peak: rssPeak.map(MiB),
        after: rssAfter.map(MiB),
      },
    })
    // Memory back to its baseline (within 2 MiB or 10%): nothing grows with the job count.
    expect(after).toBeLessThan(Math.max(baseline * 1.1, baseline + 2 * 1024 * 1024))
    // RSS is bounded: V8 keeps the pages its heap grew into, so RSS creeps up and levels off
    // (about +55 MiB over 200,000 jobs, +80 MiB over 400,000) while the sampled JS heap stays in
    // the same 25-115 MiB collection sawtooth; it must stay within 100 MiB of its warm-up level.
    rssAfter.forEach((rss, k) => expect(rss).toBeLessThan(rssBefore[k]! + 100 * 1024 * 1024))
    expect(workers.every((w) => w.child.exitCode === null)).toBe(true)
  })
})
