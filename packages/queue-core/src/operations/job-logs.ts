import type { JobLogs } from '../contracts/job-logs.js'
import { parseLogLine } from '../job-log.js'
import type { OperationsContext } from './context.js'
import { findJob } from './find-job.js'

/** Which lines of a job's log to read: 0-based `offset`, oldest first, and at most `limit`. */
export interface JobLogsPage {
  offset: number
  limit: number
}

/**
 * A page of job `id`'s log (what its handler wrote with `ctx.log`, job-log.ts) and the job's
 * state. The state is read first: the worker stores an attempt's last lines before its outcome,
 * so when the state is final the lines read after it are all there are. Throws
 * `MalformedJobIdError`, `JobNotFoundError`, `BackendUnavailableError`.
 */
export async function readJobLogs(
  ctx: OperationsContext,
  id: string,
  { offset, limit }: JobLogsPage,
): Promise<JobLogs> {
  const { job, state } = await findJob(ctx, id)
  const queue = ctx.queueOf(job.queueName)
  const { logs, count } = await ctx.guard(() =>
    queue.getJobLogs(id, offset, offset + limit - 1, true),
  )
  return { id, lines: logs.map(parseLogLine), total: count, state }
}
