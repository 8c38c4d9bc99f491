import { z } from 'zod'
import { decimalInt } from './integers.js'
import { JobState } from './job-state.js'

/**
 * Which page of a job's log to read, as a query string: `offset` (0-based, oldest line first)
 * and `limit` (1-1000 lines, default 100).
 */
export const JobLogsQuery = z.strictObject({
  offset: decimalInt(0, 10_000_000, 0),
  limit: decimalInt(1, 1_000, 100),
})
export type JobLogsQuery = z.output<typeof JobLogsQuery>

/** One line a handler wrote with `ctx.log`. */
export const JobLogLine = z
  .object({
    time: z.string().optional().describe('when it was written, ISO 8601 UTC'),
    level: z.string().optional().describe('trace, debug, info, warn, error or fatal'),
    attempt: z.number().int().optional().describe('the start number of the attempt that wrote it'),
    message: z.string(),
    fields: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('the object logged with the message'),
  })
  .meta({ id: 'JobLogLine' })

/** A page of one job's log, oldest line first, and the job's state when it was read. */
export const JobLogs = z
  .object({
    id: z.string(),
    lines: z.array(JobLogLine),
    total: z
      .number()
      .int()
      .describe('lines kept for the job (the newest 1,000; a line holds at most 2 KiB)'),
    state: JobState.describe(
      'the state read before the lines: when it is final, the page holds every line written',
    ),
  })
  .meta({ id: 'JobLogs' })
export type JobLogs = z.output<typeof JobLogs>
