// Kind 6: every stop ends. SIGTERM or SIGINT at any moment ends the built worker within the
// grace period plus the documented margin, with the documented exit code, and a job it could not
// hand back is left to the stalled check: it completes later on another worker.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createOperations, type AnyRegistry, type Operations } from '@jobq/queue-core'
import {
  freePort,
  startRedisServer,
  useHarness,
  type JobWaiter,
  type NodeProcess,
  type RedisServer,
} from '@jobq/queue-core/testing'
import { eventually, fixture, workerMain } from './support.js'

const registryFile = fixture('stop-registry.mjs')
const { registry } = (await import(registryFile)) as { registry: AnyRegistry }

/** The documented bound: a stop ends within the grace period plus 3 s (README, --help). */
const MARGIN_MS = 3_000
/** Measurement slack on a loaded 2-core machine: signal delivery, process teardown. */
const SLACK_MS = 1_000
const GRACE_MS = 1_500
/** Documented exit codes. */
const CLEAN = 0
const FORCED = 3

describe('6. every stop ends', () => {
  // Each test breaks its own redis-server; hooks run as a stack: the server starts before the
  // harness and stops after it, and a frozen one is thawed before the harness closes.
  let redisServer: RedisServer
  beforeEach(async () => {
    redisServer = await startRedisServer()
  })
  afterEach(() => redisServer.stop())
  const h = useHarness({ label: 'stop', registry, target: () => redisServer.url })
  afterEach(() => {
    redisServer.process.kill('SIGCONT')
  })

  let producer: Operations
  let waiter: JobWaiter
  let prefix: string
  let dir: string

  beforeEach(() => {
    ;({ prefix, waiter } = h)
    producer = h.producer(createOperations)
    dir = h.scratchDir()
  })

  function worker(args: string[], env: Record<string, string> = {}, url = redisServer.url) {
    const proc = h.spawn(workerMain, args, {
      env: {
        REDIS_URL: url,
        JOBQ_PREFIX: prefix,
        JOBQ_REGISTRY: registryFile,
        JOBQ_GRACE_MS: String(GRACE_MS),
        // A lock that outlives a dead worker by 2 s, checked every 0.5 s: a job left behind
        // comes back quickly enough for a test.
        JOBQ_LOCK_MS: '2000',
        JOBQ_STALLED_INTERVAL_MS: '500',
        JOBQ_HEARTBEAT_MS: '500',
        FIELD_RECORD: join(dir, 'record.log'),
        LOG_LEVEL: 'info',
        ...env,
      },
    })
    return proc
  }

  /** Sends `signal` and resolves with the exit code, failing if it takes longer than `boundMs`. */
  async function stopWithin(proc: NodeProcess, signal: NodeJS.Signals, boundMs: number) {
    const sentAt = performance.now()
    proc.child.kill(signal)
    const code = await Promise.race([proc.exited, sleep(boundMs + SLACK_MS, 'still running')])
    const tookMs = Math.round(performance.now() - sentAt)
    if (code === 'still running') {
      throw new Error(`still running ${tookMs} ms after ${signal} (bound ${boundMs} ms)`)
    }
    console.log(`[field] stop ${expect.getState().currentTestName}: ${tookMs} ms, exit ${code}`)
    return { code, tookMs }
  }

  /** Pids that wrote `done <jobId>`. */
  function doneBy(jobId: string): number[] {
    const file = join(dir, 'record.log')
    if (!existsSync(file)) return []
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith(`done ${jobId} `))
      .map((line) => Number(line.split(' ')[2]))
  }

  /** Starts a fresh worker and checks that it, not one of `gone`, finishes each of `jobIds`. */
  async function completesElsewhere(jobIds: string[], gone: number[], queue = 'default') {
    const next = worker([queue, '--concurrency', String(jobIds.length)])
    await next.waitFor(/worker taking jobs/)
    for (const id of jobIds) {
      expect((await waiter.finished(queue, id, 30_000)).state).toBe('completed')
      const by = doneBy(id)
      expect(by).toHaveLength(1)
      expect(gone).not.toContain(by[0])
      // In process it is the new worker; sandboxed, one of its children.
      if (queue === 'default') expect(by).toEqual([next.child.pid])
    }
  }

  it('during boot, before Redis is reachable: ends promptly, exit 3', async () => {
    const nowhere = `redis://127.0.0.1:${await freePort()}`
    const proc = worker(['default'], {}, nowhere)
    await proc.waitFor(/redis connection error/)
    const { code } = await stopWithin(proc, 'SIGTERM', MARGIN_MS)
    expect(code).toBe(FORCED)
  })

  it('during setup(): ends promptly, exit 3, and takes no job', async () => {
    const proc = worker(['slow'], { FIELD_SETUP_MS: '60000' })
    await proc.waitFor(/field setup started/)
    const { code } = await stopWithin(proc, 'SIGTERM', MARGIN_MS)
    expect(code).toBe(FORCED)
    expect(proc.output()).not.toMatch(/worker taking jobs/)
  })

  it('during a setup() that finishes soon: the started worker is stopped cleanly, exit 0', async () => {
    const proc = worker(['slow'], { FIELD_SETUP_MS: '500' })
    await proc.waitFor(/field setup started/)
    const { code } = await stopWithin(proc, 'SIGTERM', MARGIN_MS)
    expect(code).toBe(CLEAN)
    expect(proc.output()).toMatch(/worker stopped/)
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`connected and idle, ${signal}: exit 0 without waiting for the grace period`, async () => {
      // A long grace: an idle worker has nothing to wait for, so it must not use it.
      const proc = worker(['default'], { JOBQ_GRACE_MS: '60000' })
      await proc.waitFor(/worker taking jobs/)
      const { code } = await stopWithin(proc, signal, MARGIN_MS)
      expect(code).toBe(CLEAN)
    })
  }

  for (const second of [undefined, 'SIGINT', 'SIGTERM'] as const) {
    it(`running a job past the grace period${second ? `, then ${second} again` : ''}: hands it back, exit 0`, async () => {
      const proc = worker(['default'])
      await proc.waitFor(/worker taking jobs/)
      const { id } = await producer.jobs.enqueue('field.sleep', { ms: 5_000 })
      await proc.waitFor(new RegExp(`field job started ${id}`))
      const stopping = stopWithin(proc, 'SIGTERM', GRACE_MS + MARGIN_MS)
      if (second) {
        await proc.waitFor(/worker stopping/)
        proc.child.kill(second)
      }
      const { code } = await stopping
      expect(code).toBe(CLEAN)
      await completesElsewhere([id], [proc.child.pid!])
    })
  }

  it('Redis unreachable (killed) while idle: ends within grace + margin, exit 3', async () => {
    const proc = worker(['default'])
    await proc.waitFor(/worker taking jobs/)
    redisServer.process.kill('SIGKILL')
    await proc.waitFor(/redis connection error/)
    const { code } = await stopWithin(proc, 'SIGTERM', GRACE_MS + MARGIN_MS)
    expect(code).toBe(FORCED)
  })

  it('Redis not answering (frozen) while running a job: exit 3, the job completes elsewhere', async () => {
    const proc = worker(['default'])
    await proc.waitFor(/worker taking jobs/)
    const { id } = await producer.jobs.enqueue('field.sleep', { ms: 5_000 })
    await proc.waitFor(new RegExp(`field job started ${id}`))
    redisServer.process.kill('SIGSTOP')
    const { code } = await stopWithin(proc, 'SIGTERM', GRACE_MS + MARGIN_MS)
    expect(code).toBe(FORCED)
    redisServer.process.kill('SIGCONT')
    await completesElsewhere([id], [proc.child.pid!])
  })

  it('Redis frozen while a sandboxed job runs: exit 3, no child left, the job completes elsewhere', async () => {
    const proc = worker(['sandboxed'])
    await proc.waitFor(/worker taking jobs/)
    const { id } = await producer.jobs.enqueue('field.sleep-sandboxed', { ms: 5_000 })
    const started = await proc.waitFor(new RegExp(`field job started ${id} in \\d+`))
    const childPid = Number(/in (\d+)/.exec(started)?.[1])
    redisServer.process.kill('SIGSTOP')
    const { code } = await stopWithin(proc, 'SIGTERM', GRACE_MS + MARGIN_MS)
    expect(code).toBe(FORCED)
    // The sandbox child ends with its parent rather than finish a job it cannot report.
    await eventually(
      () => alive(childPid),
      (isAlive) => !isAlive,
      2_000,
    )
    redisServer.process.kill('SIGCONT')
    await completesElsewhere([id], [proc.child.pid!, childPid], 'sandboxed')
  })

  it('a --processes pool during a Redis outage: the parent ends in bounded time, exit 3', async () => {
    const pool = worker(['default', '--processes', '2'])
    const members = await eventually(
      () => producer.fleet.workers(),
      (list) => list.length === 2 && list.every((w) => w.state === 'idle'),
    )
    const { ids } = await producer.jobs.enqueueBulk('field.sleep', [
      { data: { ms: 5_000 } },
      { data: { ms: 5_000 } },
    ])
    for (const id of ids) await pool.waitFor(new RegExp(`field job started ${id}`))
    redisServer.process.kill('SIGSTOP')
    // The parent forwards the signal; each process has grace + margin, the parent 1 s more.
    const { code } = await stopWithin(pool, 'SIGTERM', GRACE_MS + MARGIN_MS + 1_000)
    expect(code).toBe(FORCED)
    const pids = members.map((w) => w.pid)
    for (const pid of pids) expect(alive(pid), `pool member ${pid} still alive`).toBe(false)
    redisServer.process.kill('SIGCONT')
    await completesElsewhere(ids, pids)
  })
})

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
