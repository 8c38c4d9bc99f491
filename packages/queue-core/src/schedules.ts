import type { Queue } from 'bullmq'
import type { Redis } from './connection.js'
import type { AnyJobDefinition } from './define-job.js'
import { PermanentJobError } from './errors.js'
import { toBullOptions } from './job-options.js'
import type { Logger } from './logger.js'
import type { AnyRegistry } from './registry.js'
import {
  DEFAULT_MISSED,
  DEFAULT_OVERLAP,
  type MissedPolicy,
  type OverlapPolicy,
} from './schedule-policy.js'
import { readScheduleStates, scheduleStateKeyOf } from './schedule-state.js'
import { statesOf } from './operations/search-state.js'
import { toIssues } from './validation.js'

/**
 * Scheduler ids jobq owns start with this; other schedulers in the queue are left alone. Not
 * `jobq:`: BullMQ derives each run's job id from the scheduler id, and job ids may not hold `:`.
 */
export const SCHEDULER_ID_PREFIX = 'jobq.'

/** The scheduler id of a job's schedule. */
const schedulerIdOf = (jobName: string) => `${SCHEDULER_ID_PREFIX}${jobName}`

/**
 * The tick (epoch ms) a run of a jobq schedule was due at, from its job id: BullMQ names a
 * scheduler's runs `repeat:<scheduler id>:<tick>`, and catch-up runs (worker/schedule-gate.ts)
 * take the same shape. Null for any other id.
 */
export function tickOfRun(jobId: string): number | null {
  const [head, scheduler, tick] = jobId.split(':')
  if (head !== 'repeat' || !scheduler?.startsWith(SCHEDULER_ID_PREFIX) || !tick) return null
  const ms = Number(tick)
  return Number.isSafeInteger(ms) ? ms : null
}

/** A job scheduler as `GET /v1/schedules` shows it. */
export interface ScheduleView {
  id: string
  job: string
  queue: string
  pattern: string | null
  tz: string | null
  /** ISO-8601 time of the next run, or null when none is planned. */
  next: string | null
  data: unknown
  /** The definition's missed policy (its default when unset); null: the job has no `schedule`. */
  missed: MissedPolicy | null
  /** The definition's overlap policy (its default when unset); null: the job has no `schedule`. */
  overlap: OverlapPolicy | null
  /** The last run started: its tick, start time (ISO-8601), job id and state; null: none yet. */
  lastRun: { scheduledAt: string; startedAt: string; jobId: string; state: string } | null
  /** Ticks that did not run (missed or overlap policy), and the last of them. */
  skipped: { count: number; last: { scheduledAt: string; reason: 'missed' | 'overlap' } | null }
}

/**
 * Makes the job schedulers of `queues` match the registry: upserts one per scheduled job
 * (idempotent: every worker that boots writes the same scheduler, and BullMQ derives each run's
 * job id from scheduler id + time, so two workers never make two runs) and removes the jobq-made
 * schedulers whose job no longer has a schedule.
 */
export async function syncSchedules(
  registry: AnyRegistry,
  queues: ReadonlyMap<string, Queue>,
  logger: Logger,
): Promise<void> {
  for (const [name, queue] of queues) {
    const scheduled = registry.jobsOf(name).filter((job) => job.schedule)
    for (const job of scheduled) await upsert(queue, job)
    const wanted = new Set(scheduled.map((job) => schedulerIdOf(job.name)))
    for (const existing of await queue.getJobSchedulers(0, -1)) {
      const id = existing.id ?? existing.key
      if (id.startsWith(SCHEDULER_ID_PREFIX) && !wanted.has(id)) {
        await queue.removeJobScheduler(id)
        logger.info({ scheduler: id, queue: name }, 'removed a schedule its definition dropped')
      }
    }
    if (scheduled.length) {
      logger.info({ queue: name, jobs: scheduled.map((j) => j.name) }, 'schedules upserted')
    }
  }
}

async function upsert(queue: Queue, job: AnyJobDefinition): Promise<void> {
  const schedule = job.schedule!
  const input = job.input.safeParse(schedule.data ?? {})
  if (!input.success) {
    const issues = toIssues(input.error, 'schedule.data').map((i) => `${i.path}: ${i.message}`)
    throw new PermanentJobError(`invalid schedule data of "${job.name}": ${issues.join('; ')}`)
  }
  // A scheduler makes its own job ids (scheduler id + run time): no jobId in the template.
  const opts = { ...toBullOptions(job, {}, '') }
  delete opts.jobId
  if (await keepsLateRun(queue, job, input.data)) return
  await queue.upsertJobScheduler(
    schedulerIdOf(job.name),
    { pattern: schedule.pattern, ...(schedule.tz && { tz: schedule.tz }) },
    { name: job.name, data: input.data, opts },
  )
}

/**
 * True when the scheduler's pending run is already due (no worker took it: workers were down)
 * and the definition still has the same pattern, zone and data: then the upsert is left out,
 * because BullMQ's upsert would replace that run with the next future tick, and the missed
 * policy (worker/schedule-gate.ts) could never see the ticks that passed.
 */
async function keepsLateRun(queue: Queue, job: AnyJobDefinition, data: unknown): Promise<boolean> {
  const existing = await queue.getJobScheduler(schedulerIdOf(job.name))
  if (!existing?.next || existing.next > Date.now()) return false
  const schedule = job.schedule!
  return (
    existing.pattern === schedule.pattern &&
    (existing.tz ?? undefined) === (schedule.tz ?? undefined) &&
    JSON.stringify(existing.template?.data ?? {}) === JSON.stringify(data)
  )
}

/** What {@link listSchedules} reads besides the queues: policies and each schedule's record. */
export interface ScheduleSources {
  registry: AnyRegistry
  connection: Redis
  prefix: string
}

/**
 * Every scheduler of the given queues, soonest next run first. Per queue: its schedulers, then
 * every schedule's record in one pipeline and every last run's state in one call (statesOf: the
 * public state, without BullMQ's walk of the wait list; 'unknown' once the job is removed).
 */
export async function listSchedules(
  queues: Iterable<Queue>,
  sources: ScheduleSources,
): Promise<ScheduleView[]> {
  const views: ScheduleView[] = []
  for (const queue of queues) views.push(...(await schedulesOf(queue, sources)))
  return views.sort((a, b) => (a.next ?? '~').localeCompare(b.next ?? '~'))
}

/** The schedulers of one queue as {@link ScheduleView}s, in BullMQ's order. */
async function schedulesOf(queue: Queue, sources: ScheduleSources): Promise<ScheduleView[]> {
  const schedulers = await queue.getJobSchedulers(0, -1, true)
  const ids = schedulers.map((s) => s.id ?? s.key)
  const records = await readScheduleStates(
    sources.connection,
    ids.map((id) => scheduleStateKeyOf(sources.prefix, queue.name, id)),
  )
  const lastRunIds = records.flatMap((record) => (record.lastRun ? [record.lastRun.jobId] : []))
  const lastStates = await statesOf(sources.connection, queue, lastRunIds)
  const stateOf = new Map(lastRunIds.map((id, i) => [id, lastStates[i] ?? 'unknown']))
  const iso = (ms: number) => new Date(ms).toISOString()
  return schedulers.map((s, i) => {
    const record = records[i]!
    const schedule = sources.registry.jobs[s.name]?.schedule
    const last = record.lastRun
    return {
      id: ids[i]!,
      job: s.name,
      queue: queue.name,
      pattern: s.pattern ?? null,
      tz: s.tz ?? null,
      next: s.next ? iso(s.next) : null,
      data: (s.template?.data as unknown) ?? null,
      missed: schedule ? (schedule.missed ?? DEFAULT_MISSED) : null,
      overlap: schedule ? (schedule.overlap ?? DEFAULT_OVERLAP) : null,
      lastRun: last && {
        scheduledAt: iso(last.tick),
        startedAt: iso(last.at),
        jobId: last.jobId,
        state: stateOf.get(last.jobId)!,
      },
      skipped: {
        count: record.skipped,
        last: record.lastSkipped && {
          scheduledAt: iso(record.lastSkipped.tick),
          reason: record.lastSkipped.reason,
        },
      },
    }
  })
}
