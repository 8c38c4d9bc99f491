import { z } from 'zod'
import { decimalInt } from './integers.js'
import { JobState } from './job-state.js'
import { JobView } from './jobs.js'

/**
 * The filters beside name, queue and fields that search, dead letters and bulk actions share: a
 * state, an enqueue-time window and a failure-reason substring (searched over the examined
 * window of a page).
 */
export const JOB_FILTERS = {
  state: JobState.optional().describe('only jobs in this state now'),
  from: z.iso.datetime().optional().describe('enqueued at or after this instant (ISO 8601)'),
  to: z.iso.datetime().optional().describe('enqueued at or before this instant (ISO 8601)'),
  reason: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('a substring of the failure reason (case-insensitive)'),
}

/**
 * The fixed filters of `GET /v1/jobs` (search); every other query key names a search field the
 * job declares (`customerId=c42`), matched exactly after normalisation (trimmed, lower-cased).
 */
export const SearchQuery = z.object({
  name: z
    .string()
    .min(1)
    .optional()
    .describe(
      'the job: its declared search fields are the index. Required: a search without it is refused (400), even with `queue` (list a queue with GET /v1/queues/{queue}/jobs)',
    ),
  queue: z
    .string()
    .min(1)
    .optional()
    .describe("restricts to this queue: an unknown queue is 404, one that is not the job's 400"),
  ...JOB_FILTERS,
  cursor: z.string().min(1).max(200).optional().describe('nextCursor of the page before'),
  limit: decimalInt(1, 200, 50),
})
export type SearchQuery = z.output<typeof SearchQuery>

/** A page of a search, newest first: previews as the lists answer them. */
export const SearchPage = z
  .object({
    jobs: z.array(JobView),
    nextCursor: z
      .string()
      .nullable()
      .describe('pass as cursor for the next page; null once every candidate was examined'),
    examined: z
      .number()
      .int()
      .describe('index entries read for this page (at most 5,000: a page may hold fewer jobs)'),
  })
  .meta({ id: 'SearchPage' })
export type SearchPage = z.output<typeof SearchPage>
