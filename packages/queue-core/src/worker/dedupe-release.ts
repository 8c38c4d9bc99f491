import type { Job } from 'bullmq'
import type { AnyRegistry } from '../registry.js'

/**
 * Releases the dedupe key of a job that ended for good, when its definition is `mode: 'dedupe'`
 * with `ttlMs`. BullMQ deletes a dedupe key at the job's end only when the key has no TTL;
 * one with a TTL would keep dropping duplicates for the rest of its window, which is
 * `throttle`'s rule, not `dedupe`'s ("while queued or running, at most ttlMs"). BullMQ's own
 * `removeDeduplicationKey` deletes the key only while it still names this job, so a newer job
 * that took it since keeps it. Should this call be lost (a crash just after the end), the TTL
 * still ends the key. Answers undefined, at no cost, for every other job.
 */
export function releaseDedupeKey(job: Job, registry: AnyRegistry): Promise<unknown> | undefined {
  if (!job.deduplicationId || !job.finishedOn) return undefined
  const dedupe = registry.job(job.name)?.dedupe
  if (dedupe?.mode !== 'dedupe' || dedupe.ttlMs === undefined) return undefined
  return job.removeDeduplicationKey()
}
