import { z } from 'zod'

/** What a worker process is doing. */
export const WorkerState = z.enum(['starting', 'idle', 'busy', 'stopping'])
export type WorkerState = z.output<typeof WorkerState>

/** The live record of one worker process (`GET /v1/workers`, `jobq info`). */
export const WorkerRecord = z
  .object({
    id: z.string(),
    hostname: z.string(),
    pid: z.number().int(),
    queues: z.array(z.string()),
    state: WorkerState,
    currentJobs: z.array(z.string()).describe('ids of the jobs it runs right now'),
    birth: z.iso.datetime(),
    lastHeartbeat: z.iso.datetime(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    workingMs: z.number().describe('total time spent in handlers, ms'),
    version: z.string(),
    jobs: z.array(z.string()).describe('the job names it can run'),
    jobVersions: z
      .record(z.string(), z.array(z.number().int().min(1)))
      .describe('per job name, the payload versions it can run (`[1]` for a job without versions)'),
  })
  .meta({ id: 'Worker' })
export type WorkerRecord = z.output<typeof WorkerRecord>

/** Every live worker. */
export const WorkerList = z.object({ workers: z.array(WorkerRecord) })
export type WorkerList = z.output<typeof WorkerList>

/** One job scheduler (cron) and its next run. */
export const ScheduleView = z
  .object({
    id: z.string(),
    job: z.string(),
    queue: z.string(),
    pattern: z.string().nullable(),
    tz: z.string().nullable(),
    next: z.iso.datetime().nullable(),
    data: z.unknown(),
    missed: z
      .union([
        z.enum(['skip', 'once']),
        // 100 is MAX_CATCH_UP of schedule-policy.ts, not imported: that module loads BullMQ.
        z.object({ catchUp: z.number().int().min(1).max(100) }),
      ])
      .nullable()
      .describe(
        "runs after ticks passed unserved: 'skip', 'once' (default) or { catchUp: n }; null: the registry declares no schedule for the job",
      ),
    overlap: z
      .enum(['allow', 'skip', 'queue'])
      .nullable()
      .describe(
        "a tick while the previous run is active: 'allow' (default), 'skip' or 'queue'; null: the registry declares no schedule for the job",
      ),
    lastRun: z
      .object({
        scheduledAt: z.iso.datetime().describe('the tick the run was due at'),
        startedAt: z.iso.datetime(),
        jobId: z.string(),
        state: z.string().describe("the job's state now ('unknown' once removed)"),
      })
      .nullable()
      .describe('the last run started, or null before the first'),
    skipped: z
      .object({
        count: z.number().int().min(0),
        last: z
          .object({ scheduledAt: z.iso.datetime(), reason: z.enum(['missed', 'overlap']) })
          .nullable(),
      })
      .describe('ticks the missed or overlap policy did not run'),
  })
  .meta({ id: 'Schedule' })
export type ScheduleView = z.output<typeof ScheduleView>

/** Every schedule, soonest next run first. */
export const ScheduleList = z.object({ schedules: z.array(ScheduleView) })
export type ScheduleList = z.output<typeof ScheduleList>

/** How long a queue's jobs took: `count` jobs at most `leMs` per bucket (the last is Infinity). */
export const DurationHistogram = z.object({
  queue: z.string(),
  buckets: z.array(z.object({ leMs: z.number(), count: z.number().int() })),
  sumMs: z.number(),
  count: z.number().int(),
})
export type DurationHistogram = z.output<typeof DurationHistogram>

/** What every worker of a queue has done, read from Redis. */
export const QueueStats = z.object({
  queue: z.string(),
  completed: z.number().int(),
  failed: z.number().int(),
  duration: DurationHistogram,
})
export type QueueStats = z.output<typeof QueueStats>
