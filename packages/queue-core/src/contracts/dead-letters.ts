import { z } from 'zod'
import { SearchQuery } from './search.js'

/**
 * The filters of `GET /v1/dead-letters`: those of `GET /v1/jobs` with the state fixed to
 * failed, and `name` optional when `queue` is given (the queue's failed set is walked then).
 * Every other query key names a search field of `name`.
 */
export const DeadLetterQuery = SearchQuery.omit({ state: true }).extend({
  name: z
    .string()
    .min(1)
    .optional()
    .describe('the job; required with search fields, else name or queue'),
})
export type DeadLetterQuery = z.output<typeof DeadLetterQuery>

/** Dead letters per queue: the size of each queue's failed set. */
export const DeadLetterCount = z.object({ queue: z.string(), count: z.number().int() })
export type DeadLetterCount = z.output<typeof DeadLetterCount>
