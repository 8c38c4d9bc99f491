import { setTimeout as sleep } from 'node:timers/promises'
import { beforeEach, describe, expect, it } from 'vitest'
import { policyFailures, policyRuns, type PolicyRun } from '../test/fixtures/policy-run.handler.js'
import { policyRegistry } from '../test/fixtures/schedule-policy-registry.js'
import type { JobSchedule } from './define-job.js'
import { createOperations } from './operations/index.js'
import { CATCH_UP_OPTION } from './worker/schedule-gate.js'
import { startWorker } from './worker/boot.js'
import { eventually, useHarness } from './testing/index.js'
import { tickOfRun } from './schedules.js'

type Policies = Omit<JobSchedule, 'pattern' | 'data'>
const QUEUE = 'policies'
const runIdOf = (tick: number) => `repeat:jobq.test.policy:${tick}`

describe('schedule policies', () => {
  const h = useHarness({ registry: policyRegistry({}) })
  beforeEach(() => {
    policyRuns.length = 0
    policyFailures.length = 0
  })

  /** The schedule as GET /v1/schedules shows it, read with a producer of `policies`' registry. */
  const scheduleOf = async (policies: Policies) => {
    const registry = policyRegistry(policies)
    const ops = createOperations({ registry, connection: h.redis, prefix: h.prefix })
    try {
      const [view] = await ops.fleet.schedules()
      return view!
    } finally {
      await ops.close()
    }
  }

  /**
   * Runs a worker until the schedule made its first run, stops it, and lets the pending run's
   * tick and three more pass with no worker up (awaited by the clock: that is the behaviour under
   * test). Answers the pending run's tick and when the next worker starts.
   */
  async function missThreeTicks(policies: Policies) {
    const registry = policyRegistry(policies)
    const first = await h.worker(startWorker, { registry })
    await eventually(
      () => policyRuns.length,
      (n) => n >= 1,
      { what: 'a first run', timeoutMs: 20_000 },
    )
    await first.close(5_000)
    const t0 = Date.parse((await scheduleOf(policies)).next!)
    await sleep(Math.max(0, t0 + 3_000 + 300 - Date.now()))
    const ranBefore = policyRuns.map((run) => run.tick)
    const restart = Date.now()
    await h.worker(startWorker, { registry })
    const outcome = await h.waiter.finished(QUEUE, runIdOf(t0), 20_000)
    return { t0, restart, ranBefore, outcome }
  }

  /** Every job of the queue whose tick is in [from, to]: one per tick, by its id. */
  const jobsBetween = async (from: number, to: number) => {
    const jobs = await h.waiter.queue(QUEUE).getJobs(undefined, 0, -1)
    return jobs.filter((job) => {
      const tick = tickOfRun(job.id!)
      return tick !== null && tick >= from && tick <= to
    })
  }

  it("missed 'skip': the late run and the 3 ticks after it do not run; the schedule goes on", async () => {
    const { t0, restart, outcome } = await missThreeTicks({ missed: 'skip' })
    expect(outcome).toEqual({
      state: 'completed',
      result: { skipped: 'missed', scheduledAt: new Date(t0).toISOString() },
    })
    // The schedule continues at the next future tick: a run executes, due after the restart.
    await eventually(
      () => policyRuns.filter((run) => run.tick >= t0),
      (runs) => runs.length >= 1,
      { what: 'the next run after the restart', timeoutMs: 20_000 },
    )
    for (const run of policyRuns.filter((r) => r.tick >= t0))
      expect(run.tick).toBeGreaterThan(restart)
    expect(await jobsBetween(t0 + 1, restart)).toEqual([])
    const view = await scheduleOf({ missed: 'skip' })
    expect(view.missed).toBe('skip')
    expect(view.skipped.count).toBeGreaterThanOrEqual(4)
    expect(view.skipped.last).toEqual({ scheduledAt: new Date(t0).toISOString(), reason: 'missed' })
  })

  it("missed 'once': one run for the late tick and the 3 missed after it", async () => {
    const { t0, restart, outcome } = await missThreeTicks({ missed: 'once' })
    expect(outcome).toEqual({ state: 'completed', result: { tick: t0 } })
    expect(policyRuns.filter((run) => run.tick >= t0 && run.tick <= restart)).toHaveLength(1)
    expect((await jobsBetween(t0, restart)).map((job) => job.id)).toEqual([runIdOf(t0)])
    const view = await scheduleOf({ missed: 'once' })
    expect(view.missed).toBe('once')
    // The last run started is a later tick's (the schedule went on), and it is known to BullMQ.
    expect(tickOfRun(view.lastRun!.jobId)).toBeGreaterThanOrEqual(t0)
    expect(view.lastRun!.scheduledAt).toBe(new Date(tickOfRun(view.lastRun!.jobId)!).toISOString())
    expect(['active', 'completed']).toContain(view.lastRun!.state)
    expect(view.skipped.count).toBe(0)
  })

  it('missed { catchUp: 2 }: the 2 most recent missed ticks run, each with its own tick', async () => {
    const policies: Policies = { missed: { catchUp: 2 } }
    const { t0, outcome } = await missThreeTicks(policies)
    // Four ticks were due at the pickup (t0 and 3 more): the most recent two run, not t0.
    expect(outcome).toEqual({
      state: 'completed',
      result: { skipped: 'missed', scheduledAt: new Date(t0).toISOString() },
    })
    const catchUps = await eventually(
      async () => {
        const jobs = await h.waiter.queue(QUEUE).getJobs(['completed'], 0, -1)
        return jobs.filter((job) => (job.opts as Record<string, unknown>)[CATCH_UP_OPTION])
      },
      (jobs) => jobs.length >= 2,
      { what: 'two catch-up runs completed', timeoutMs: 20_000 },
    )
    const ticks = catchUps.map((job) => tickOfRun(job.id!)!).sort()
    expect(ticks).toHaveLength(2)
    expect(ticks[1]! - ticks[0]!).toBe(1_000)
    expect(ticks[0]).toBeGreaterThanOrEqual(t0 + 2_000)
    for (const job of catchUps) expect(job.returnvalue).toEqual({ tick: tickOfRun(job.id!) })
    const ran = policyRuns.map((run) => run.tick)
    for (const tick of ticks) expect(ran).toContain(tick)
    expect(ran).not.toContain(t0)
    const view = await scheduleOf(policies)
    expect(view.missed).toEqual({ catchUp: 2 })
    expect(view.skipped.count).toBeGreaterThanOrEqual(2)
  })

  it("missed 'skip' does not apply to a retry: a run that failed once runs after its backoff", async () => {
    // The backoff (2.5 s) outlasts the interval (1 s): the retry starts after later ticks passed.
    const registry = policyRegistry(
      { missed: 'skip' },
      { failFirst: true },
      {
        attempts: 2,
        backoff: { type: 'fixed', delay: 2_500 },
      },
    )
    await h.worker(startWorker, { registry })
    const [failed] = await eventually(
      () => [...policyFailures],
      (ids) => ids.length >= 1,
      { what: 'a first attempt that failed', timeoutMs: 20_000 },
    )
    const tick = tickOfRun(failed!)!
    expect(await h.waiter.finished(QUEUE, failed!, 20_000)).toEqual({
      state: 'completed',
      result: { tick },
    })
    expect(policyRuns.map((run) => run.jobId)).toContain(failed)
  })

  /** Pairs of runs whose handlers were active at the same time. */
  const overlapping = (runs: readonly PolicyRun[]) =>
    runs.flatMap((a, i) => runs.slice(i + 1).filter((b) => a.start < b.end && b.start < a.end))

  /** Two workers (own connections) serve an every-second schedule whose runs take `ms`. */
  async function runWithTwoWorkers(policies: Policies, ms: number, runs: number) {
    const registry = policyRegistry(policies, ms)
    await Promise.all([h.worker(startWorker, { registry }), h.worker(startWorker, { registry })])
    return eventually(
      () => [...policyRuns],
      (done) => done.length >= runs,
      { what: `${runs} runs`, timeoutMs: 30_000 },
    )
  }

  it("overlap 'skip': never two runs at once across workers; ticks meanwhile are skipped", async () => {
    const runs = await runWithTwoWorkers({ overlap: 'skip' }, 2_500, 3)
    expect(overlapping(runs)).toEqual([])
    const view = await scheduleOf({ overlap: 'skip' })
    expect(view.overlap).toBe('skip')
    expect(view.skipped.count).toBeGreaterThanOrEqual(1)
    expect(view.skipped.last?.reason).toBe('overlap')
    const jobs = await h.waiter.queue(QUEUE).getJobs(['completed'], 0, -1)
    const results = jobs.map((job) => job.returnvalue as { skipped?: string })
    expect(results.some((result) => result.skipped === 'overlap')).toBe(true)
  })

  it("overlap 'queue': every tick runs, one after another, in tick order", async () => {
    const runs = await runWithTwoWorkers({ overlap: 'queue' }, 1_500, 4)
    expect(overlapping(runs)).toEqual([])
    // Held runs wait their turn, oldest tick first: start order is tick order...
    const byStart = [...runs].sort((a, b) => a.start - b.start).map((run) => run.tick)
    expect(byStart).toEqual([...byStart].sort())
    // ...and every run the schedule made up to the last one run has run (none skipped).
    const last = Math.max(...byStart)
    const made = (await jobsBetween(0, last)).map((job) => tickOfRun(job.id!)!).sort()
    expect(made).toEqual([...byStart].sort())
    const view = await scheduleOf({ overlap: 'queue' })
    expect(view.skipped.count).toBe(0)
  })

  it("overlap 'allow' (the default): runs longer than the interval overlap", async () => {
    const runs = await runWithTwoWorkers({}, 2_500, 3)
    expect(overlapping(runs).length).toBeGreaterThan(0)
    expect((await scheduleOf({})).overlap).toBe('allow')
  })
})
