import './provided-context.js'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeEach, describe, expect, it } from 'vitest'
import { registry } from '@jobq/jobs'
import { createOperations, type Operations, type Redis, type WorkerRecord } from '@jobq/queue-core'
import {
  eventually,
  freePort,
  testRedisUrl,
  useHarness,
  type JobWaiter,
} from '@jobq/queue-core/testing'

const workerMain = fileURLToPath(new URL('../dist/main.js', import.meta.url))
const gatedRegistry = fileURLToPath(new URL('./fixtures/gated-registry.mjs', import.meta.url))
const sandboxRegistry = fileURLToPath(new URL('./fixtures/sandbox-registry.mjs', import.meta.url))

describe('worker runtime (real processes)', () => {
  const h = useHarness({ registry })
  let prefix: string
  let redis: Redis
  let producer: Operations
  let waiter: JobWaiter

  beforeEach(() => {
    ;({ prefix, redis, waiter } = h)
    producer = h.producer(createOperations)
  })

  // Records change within a heartbeat, not at once: polled with `eventually`.
  function spawnWorker(args: string[], env: Record<string, string> = {}) {
    const worker = h.spawn(workerMain, args, {
      env: {
        REDIS_URL: testRedisUrl(),
        JOBQ_PREFIX: prefix,
        JOBQ_HEARTBEAT_MS: '200',
        ...env,
      },
    })
    return worker
  }

  const workers = () => producer.fleet.workers()
  const pids = (list: WorkerRecord[]) => list.map((w) => w.pid).sort()

  it('records appear, heartbeat, and vanish within their TTL after kill -9', async () => {
    const worker = spawnWorker(['default'])
    await worker.waitFor(/worker taking jobs/)
    const [record] = await eventually(workers, (list) => list.length === 1)
    expect(record).toMatchObject({ pid: worker.child.pid, queues: ['default'], state: 'idle' })
    expect(record!.jobs).toContain('demo.rows')
    await eventually(workers, ([r]) => !!r && r.lastHeartbeat > record!.lastHeartbeat)

    worker.child.kill('SIGKILL')
    await worker.exited
    const killedAt = Date.now()
    // TTL = 3 heartbeats = 600 ms; allow generous slack for a loaded 2-core machine.
    await eventually(workers, (list) => list.length === 0, 5_000)
    expect(Date.now() - killedAt).toBeLessThan(5_000)
  })

  it('--processes 2 keeps two processes, replaces a killed one, and drains on SIGTERM', async () => {
    const pool = spawnWorker(['default', '--processes', '2'])
    const first = await eventually(
      workers,
      (list) => list.length === 2 && list.every((w) => w.state === 'idle'),
    )
    const [victim, survivor] = first
    process.kill(victim!.pid, 'SIGKILL')
    const after = await eventually(
      workers,
      (list) =>
        list.length === 2 &&
        !pids(list).includes(victim!.pid) &&
        list.every((w) => w.state === 'idle'),
    )
    expect(pids(after)).toContain(survivor!.pid)
    expect(pool.output()).toMatch(/worker process died: restarting it/)

    // A job running at SIGTERM finishes before the pool exits 0.
    const { id } = await producer.jobs.enqueue('demo.sleep', { ms: 1_000, message: 'drain' })
    await waiter.active('default', id)
    pool.child.kill('SIGTERM')
    expect(await pool.exited).toBe(0)
    expect((await producer.jobs.get(id)).state).toBe('completed')
    expect(await workers()).toEqual([])
  })

  it('cancels an active job held by another process: it fails "cancelled", not retried', async () => {
    const worker = spawnWorker(['default'])
    await worker.waitFor(/worker taking jobs/)
    // demo.sleep allows 3 attempts; a retry would show in attemptsMade.
    const { id } = await producer.jobs.enqueue('demo.sleep', { ms: 60_000 })
    await waiter.active('default', id)
    expect(await producer.control.cancel(id)).toEqual({ id, outcome: 'cancelling' })
    expect(await waiter.finished('default', id)).toEqual({ state: 'failed', reason: 'cancelled' })
    expect(await producer.jobs.get(id)).toMatchObject({ state: 'failed', attemptsMade: 1 })
    expect(worker.child.exitCode).toBeNull()
  })

  it('a sandboxed handler that calls process.exit fails only its job', async () => {
    const worker = spawnWorker([], { JOBQ_REGISTRY: sandboxRegistry })
    await worker.waitFor(/worker taking jobs/)
    const { registry: fixtures } = (await import(sandboxRegistry)) as { registry: typeof registry }
    const local = createOperations({ registry: fixtures, connection: redis, prefix })
    try {
      const ok1 = await local.jobs.enqueue('test.crash', {})
      const first = await waiter.finished('crashy', ok1.id)
      const boom = await local.jobs.enqueue('test.crash', { exit: true })
      const crashed = await waiter.finished('crashy', boom.id)
      const ok2 = await local.jobs.enqueue('test.crash', {})
      const second = await waiter.finished('crashy', ok2.id)

      expect(crashed.state).toBe('failed')
      expect(crashed.state === 'failed' && crashed.reason).toMatch(/exit code: 3/)
      for (const outcome of [first, second]) {
        expect(outcome.state).toBe('completed')
        const result = (outcome as { result: { pid: number; setupPid: number; setups: number } })
          .result
        // Ran in a child process, which ran setup() once before its job.
        expect(result.pid).not.toBe(worker.child.pid)
        expect(result.setupPid).toBe(result.pid)
        expect(result.setups).toBe(1)
      }
      expect(worker.child.exitCode).toBeNull()
      // ctx.log in the child: the line is kept with its job (sent to the parent, stored there).
      const logs = await eventually(
        () => local.jobs.logs(ok1.id, { offset: 0, limit: 10 }),
        (page) => page.total === 1,
      )
      expect(logs.lines[0]).toMatchObject({
        level: 'info',
        attempt: 1,
        message: 'running in a sandbox',
      })
      await eventually(
        () => local.fleet.workers(),
        ([r]) => r?.succeeded === 2 && r.failed === 1,
      )
    } finally {
      await local.close()
    }
  })

  it('serves /healthz, /readyz and /metrics on WORKER_HTTP_PORT', async () => {
    const port = await freePort()
    const worker = spawnWorker(['default'], { WORKER_HTTP_PORT: String(port) })
    await worker.waitFor(/health server listening/)
    const url = `http://127.0.0.1:${port}`
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    await worker.waitFor(/worker taking jobs/)
    expect((await fetch(`${url}/readyz`)).status).toBe(200)

    const { id } = await producer.jobs.enqueue('demo.echo', { hi: 1 })
    await waiter.finished('default', id)
    const metrics = await eventually(
      async () => (await fetch(`${url}/metrics`)).text(),
      (text) =>
        text.includes(
          'jobq_worker_attempts_total{queue="default",name="demo.echo",outcome="completed"} 1',
        ),
    )
    expect(metrics).toMatch(/jobq_worker_attempt_duration_seconds_bucket\{.*name="demo\.echo"/)
    expect(metrics).toMatch(/# TYPE jobq_worker_attempts_total counter/)
    // The fleet-wide final outcomes are the producer's alone (README, "Metrics").
    expect(metrics).not.toMatch(/^jobq_jobs_/m)
  })

  it('/readyz answers 503 until every setup() has finished, then 200', async () => {
    const dir = h.scratchDir()
    const gate = join(dir, 'open')
    const port = await freePort()
    const worker = spawnWorker([], {
      JOBQ_REGISTRY: gatedRegistry,
      JOBQ_TEST_GATE: gate,
      WORKER_HTTP_PORT: String(port),
    })
    await worker.waitFor(/health server listening/)
    const url = `http://127.0.0.1:${port}`
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    expect((await fetch(`${url}/readyz`)).status).toBe(503)
    await eventually(workers, ([r]) => r?.state === 'starting')
    expect((await fetch(`${url}/readyz`)).status).toBe(503)
    writeFileSync(gate, '')
    await worker.waitFor(/worker taking jobs/)
    expect((await fetch(`${url}/readyz`)).status).toBe(200)
  })
})
