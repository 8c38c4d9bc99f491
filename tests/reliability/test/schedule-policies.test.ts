import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createOperations, type AnyRegistry } from '@jobq/queue-core'
import { testRedisUrl, useHarness, type NodeProcess } from '@jobq/queue-core/testing'
import { eventually, spawnWorker } from './support.js'

// Schedule policies (issue 19, point 4) on the built worker: what runs after 3 ticks passed with
// no worker up, per `missed` policy, and `overlap: 'skip'` across two worker processes. Each run
// is read from the file its handler wrote (start and end times), never from logs.
const scheduleRegistry = fileURLToPath(
  new URL('../fixtures/schedule-registry.mjs', import.meta.url),
)
const { registryOf } = (await import(scheduleRegistry)) as {
  registryOf: (policies: object, ms: number) => AnyRegistry
}

interface Run {
  jobId: string
  tick: number
  start: number
  end: number
  pid: number
}

const readRuns = (file: string): Run[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('run '))
        .map((line) => {
          const [, jobId = '', start, end, pid] = line.split(' ')
          const tick = Number(jobId.split(':').at(-1))
          return { jobId, tick, start: Number(start), end: Number(end), pid: Number(pid) }
        })
    : []

describe('schedule policies (built worker processes)', () => {
  const stack = useHarness({ label: 'schedules', registry: registryOf({}, 0) })

  function start(
    record: string,
    policies: object,
    ms: number,
    extra: Record<string, string> = {},
  ): NodeProcess {
    const child = spawnWorker(['policies'], {
      REDIS_URL: testRedisUrl(),
      JOBQ_PREFIX: stack.prefix,
      JOBQ_REGISTRY: scheduleRegistry,
      JOBQ_TEST_SCHEDULE: JSON.stringify(policies),
      JOBQ_TEST_RUN_MS: String(ms),
      record,
      ...extra,
    })
    stack.processes.push(child)
    return child
  }

  /** The schedule as GET /v1/schedules shows it, read by a producer of the same registry. */
  async function scheduleOf(policies: object) {
    const ops = createOperations({
      registry: registryOf(policies, 0),
      connection: stack.redis,
      prefix: stack.prefix,
    })
    try {
      return (await ops.fleet.schedules())[0]!
    } finally {
      await ops.close()
    }
  }

  /**
   * A worker process runs the schedule once and stops (SIGTERM); the pending run's tick and three
   * more pass with no worker (awaited by the clock: the behaviour under test); a second process
   * starts. Answers the pending tick, the restart time, the record file, and that run's outcome.
   */
  async function missThreeTicks(policies: object) {
    const record = join(stack.scratchDir(), 'runs.log')
    const first = start(record, policies, 0)
    await eventually(
      () => readRuns(record).length,
      (n) => n >= 1,
      {
        what: 'a first run',
        timeoutMs: 30_000,
      },
    )
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    const t0 = Date.parse((await scheduleOf(policies)).next!)
    await sleep(Math.max(0, t0 + 3_000 + 300 - Date.now()))
    const restart = Date.now()
    await start(record, policies, 0).waitFor(/worker taking jobs/, 30_000)
    const outcome = await stack.waiter.finished('policies', `repeat:jobq.test.policy:${t0}`, 30_000)
    return { t0, restart, record, outcome }
  }

  it("missed 'skip': nothing due while no worker was up runs", async () => {
    const { t0, restart, record, outcome } = await missThreeTicks({ missed: 'skip' })
    expect(outcome).toMatchObject({ state: 'completed', result: { skipped: 'missed' } })
    const after = await eventually(
      () => readRuns(record).filter((run) => run.tick >= t0),
      (runs) => runs.length >= 1,
      { what: 'a run after the restart', timeoutMs: 30_000 },
    )
    for (const run of after) expect(run.tick).toBeGreaterThan(restart)
    expect((await scheduleOf({ missed: 'skip' })).skipped.count).toBeGreaterThanOrEqual(4)
  })

  it("missed 'once': one run stands for the late tick and the 3 after it", async () => {
    const { t0, restart, record, outcome } = await missThreeTicks({ missed: 'once' })
    expect(outcome).toEqual({ state: 'completed', result: { ran: true } })
    const late = readRuns(record).filter((run) => run.tick >= t0 && run.tick <= restart)
    expect(late.map((run) => run.tick)).toEqual([t0])
  })

  it('missed { catchUp: 3 }: the 3 most recent due ticks run, one each', async () => {
    const policies = { missed: { catchUp: 3 } }
    const { t0, restart, record, outcome } = await missThreeTicks(policies)
    // At least 4 ticks were due (t0 and 3 more): t0 is not among the most recent 3.
    expect(outcome).toMatchObject({ state: 'completed', result: { skipped: 'missed' } })
    const catchUps = await eventually(
      async () => {
        const jobs = await stack.waiter.queue('policies').getJobs(['completed'], 0, -1)
        return jobs.filter((job) => (job.opts as Record<string, unknown>).jobqScheduleTick)
      },
      (jobs) => jobs.length >= 3,
      { what: 'three catch-up runs completed', timeoutMs: 30_000 },
    )
    const ticks = catchUps.map((job) => Number(job.id!.split(':').at(-1))).sort()
    expect(ticks).toHaveLength(3)
    // Consecutive ticks, the newest no older than the restart's second, each run once.
    for (let i = 1; i < 3; i++) expect(ticks[i]! - ticks[i - 1]!).toBe(1_000)
    expect(ticks[2]).toBeGreaterThanOrEqual(restart - 1_000)
    const ran = readRuns(record).map((run) => run.tick)
    for (const tick of ticks) expect(ran.filter((t) => t === tick)).toHaveLength(1)
    expect(ran).not.toContain(t0)
  })

  it("overlap 'skip': two worker processes never run the schedule twice at once", async () => {
    const record = join(stack.scratchDir(), 'runs.log')
    const policies = { overlap: 'skip' }
    const workers = [start(record, policies, 2_500), start(record, policies, 2_500)]
    await Promise.all(workers.map((w) => w.waitFor(/worker taking jobs/, 30_000)))
    const runs = await eventually(
      () => readRuns(record),
      (done) => done.length >= 4,
      { what: 'four runs', timeoutMs: 60_000 },
    )
    const overlaps = runs.flatMap((a, i) =>
      runs.slice(i + 1).filter((b) => a.start < b.end && b.start < a.end),
    )
    expect(overlaps).toEqual([])
    const view = await scheduleOf(policies)
    expect(view.overlap).toBe('skip')
    expect(view.skipped.count).toBeGreaterThanOrEqual(1)
    expect(view.skipped.last?.reason).toBe('overlap')
  })

  it("overlap 'queue': two worker processes run every tick, one at a time, oldest first", async () => {
    const record = join(stack.scratchDir(), 'runs.log')
    const policies = { overlap: 'queue' }
    const workers = [start(record, policies, 1_500), start(record, policies, 1_500)]
    await Promise.all(workers.map((w) => w.waitFor(/worker taking jobs/, 30_000)))
    const runs = await eventually(
      () => readRuns(record),
      (done) => done.length >= 4,
      { what: 'four runs', timeoutMs: 60_000 },
    )
    const overlaps = runs.flatMap((a, i) =>
      runs.slice(i + 1).filter((b) => a.start < b.end && b.start < a.end),
    )
    expect(overlaps).toEqual([])
    const byStart = [...runs].sort((a, b) => a.start - b.start).map((run) => run.tick)
    expect(byStart).toEqual([...byStart].sort())
    expect((await scheduleOf(policies)).skipped.count).toBe(0)
  })

  it("overlap 'skip': a run whose worker was killed (-9) blocks the schedule only until its lock expires", async () => {
    const record = join(stack.scratchDir(), 'runs.log')
    const policies = { overlap: 'skip' }
    // The lock outlives the second worker's boot, so some of its ticks meet the dead run's claim.
    const short = { JOBQ_LOCK_MS: '5000', JOBQ_STALLED_INTERVAL_MS: '1000' }
    const first = start(record, policies, 600_000, short)
    await eventually(
      () => readFileSync(record, { encoding: 'utf8', flag: 'a+' }),
      (text) => text.includes('start '),
      { what: 'a run to start', timeoutMs: 30_000 },
    )
    first.kill()
    await first.exited
    const killedAt = Date.now()
    const skippedAtKill = (await scheduleOf(policies)).skipped.count
    // The second worker's runs are short; the killed run held the schedule when it died.
    start(record, policies, 600_000, { ...short, JOBQ_TEST_RUN_MS_OVERRIDE: '0' })
    const after = await eventually(
      () => readRuns(record).filter((run) => run.tick > killedAt),
      (runs) => runs.length >= 1,
      { what: 'a later tick to run', timeoutMs: 30_000 },
    )
    expect(after.length).toBeGreaterThanOrEqual(1)
    // Meanwhile the dead run still held the schedule: the ticks then were skipped for overlap.
    const skipped = (await scheduleOf(policies)).skipped
    expect(skipped.count).toBeGreaterThan(skippedAtKill)
    expect(skipped.last?.reason).toBe('overlap')
  })
})
