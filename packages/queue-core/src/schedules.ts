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
import { readScheduleState, scheduleStateKeyOf } from './schedule-state.js'
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

/** Every scheduler of the given queues, soonest next run first. */
export async function listSchedules(
  queues: Iterable<Queue>,
  sources: ScheduleSources,
): Promise<ScheduleView[]> {
  const views: ScheduleView[] = []
  for (const queue of queues) {
    for (const s of await queue.getJobSchedulers(0, -1, true)) {
      const id = s.id ?? s.key
      const schedule = sources.registry.jobs[s.name]?.schedule
      const key = scheduleStateKeyOf(sources.prefix, queue.name, id)
      const record = await readScheduleState(sources.connection, key)
      const last = record.lastRun
      const iso = (ms: number) => new Date(ms).toISOString()
      views.push({
        id,
        job: s.name,
        queue: queue.name,
        pattern: s.pattern ?? null,
        tz: s.tz ?? null,
        next: s.next ? iso(s.next) : null,
        data: s.template?.data ?? null,
        missed: schedule ? (schedule.missed ?? DEFAULT_MISSED) : null,
        overlap: schedule ? (schedule.overlap ?? DEFAULT_OVERLAP) : null,
        lastRun: last && {
          scheduledAt: iso(last.tick),
          startedAt: iso(last.at),
          jobId: last.jobId,
          state: await queue.getJobState(last.jobId),
        },
        skipped: {
          count: record.skipped,
          last: record.lastSkipped && {
            scheduledAt: iso(record.lastSkipped.tick),
            reason: record.lastSkipped.reason,
          },
        },
      })
    }
  }
  return views.sort((a, b) => (a.next ?? '~').localeCompare(b.next ?? '~'))
}
