import { Job, type JobJson } from 'bullmq'

const UNREADABLE = Symbol('jobq.unreadable')

/**
 * A BullMQ `Job` that can be read even when its stored `data` is not JSON (written into Redis by
 * something other than jobq). Plain `Job.fromJSON` throws there, and inside a BullMQ worker that
 * throw strands the job in `active` until the stalled check, again and again: the job never
 * fails and its slot is lost each time. This one reads such a job with `data: null` and remembers
 * why, so the worker can fail it for good at once ({@link unreadableReason}).
 */
export class TolerantJob extends Job {
  static override fromJSON<T = unknown, R = unknown, N extends string = string>(
    queue: Parameters<typeof Job.fromJSON>[0],
    json: JobJson,
    jobId?: string,
  ): Job<T, R, N> {
    try {
      return super.fromJSON<T, R, N>(queue, json, jobId)
    } catch (err) {
      const job = super.fromJSON<T, R, N>(queue, { ...json, data: 'null' }, jobId)
      Object.defineProperty(job, UNREADABLE, {
        value: `its stored data is not valid JSON (${(err as Error).message})`,
      })
      return job
    }
  }
}

/** Why a job's stored data could not be read, or undefined when it could. */
export function unreadableReason(job: Job): string | undefined {
  return (job as unknown as Record<symbol, string | undefined>)[UNREADABLE]
}
