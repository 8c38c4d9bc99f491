import type { Queue } from 'bullmq'
import type { AnyJobDefinition } from './define-job.js'
import { PermanentJobError } from './errors.js'
import { toBullOptions } from './job-options.js'
import type { Logger } from './logger.js'
import type { AnyRegistry } from './registry.js'
import { toIssues } from './validation.js'

/**
 * Scheduler ids jobq owns start with this; other schedulers in the queue are left alone. Not
 * `jobq:`: BullMQ derives each run's job id from the scheduler id, and job ids may not hold `:`.
 */
const SCHEDULER_ID_PREFIX = 'jobq.'

/** The scheduler id of a job's schedule. */
const schedulerIdOf = (jobName: string) => `${SCHEDULER_ID_PREFIX}${jobName}`

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
  await queue.upsertJobScheduler(
    schedulerIdOf(job.name),
    { pattern: schedule.pattern, ...(schedule.tz && { tz: schedule.tz }) },
    { name: job.name, data: input.data, opts },
  )
}

/** Every scheduler of the given queues, soonest next run first. */
export async function listSchedules(queues: Iterable<Queue>): Promise<ScheduleView[]> {
  const views: ScheduleView[] = []
  for (const queue of queues) {
    for (const s of await queue.getJobSchedulers(0, -1, true)) {
      views.push({
        id: s.id ?? s.key,
        job: s.name,
        queue: queue.name,
        pattern: s.pattern ?? null,
        tz: s.tz ?? null,
        next: s.next ? new Date(s.next).toISOString() : null,
        data: s.template?.data ?? null,
      })
    }
  }
  return views.sort((a, b) => (a.next ?? '~').localeCompare(b.next ?? '~'))
}
