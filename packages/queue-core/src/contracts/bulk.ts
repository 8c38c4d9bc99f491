import { z } from 'zod'
import { JOB_FILTERS } from './search.js'

/** What a bulk action does to each matching job (README "Bulk actions"). */
export const BulkAction = z
  .enum(['retry', 'cancel', 'remove', 'promote', 'redrive'])
  .describe(
    'retry: failed → waiting with fresh attempts; cancel: as DELETE /v1/jobs/{id} (waiting, ' +
      'delayed, active); remove: any job not active; promote: delayed → waiting now; redrive: a ' +
      'dead letter (failed) → waiting with fresh attempts, optionally with an edited payload',
  )
export type BulkAction = z.output<typeof BulkAction>

/**
 * The jobs a bulk action selects: the filters of `GET /v1/jobs` (any other key names a search
 * field of `name`, matched as the search does), or, without a field, a walk of one state's set
 * of one queue (`name` or `queue` required, and `state` unless the action implies it).
 */
export const BulkFilter = z
  .object({
    name: z.string().min(1).optional().describe('the job; required with search fields'),
    queue: z.string().min(1).optional().describe("the queue (the job's queue when name is given)"),
    ...JOB_FILTERS,
  })
  .catchall(z.string().min(1).max(200))
  .meta({ id: 'BulkFilter' })
export type BulkFilter = z.output<typeof BulkFilter>

/** Most ids one request may name. */
export const BULK_MAX_IDS = 10_000

/** The body of a bulk action: a filter or ids (exactly one), and, for redrive, new data. */
export const BulkActionRequest = z
  .strictObject({
    filter: BulkFilter.optional(),
    ids: z.array(z.string().min(1).max(256)).min(1).max(BULK_MAX_IDS).optional(),
    data: z
      .unknown()
      .optional()
      .describe(
        "redrive only: the payload every redriven job runs with, checked against the job's " +
          'input schema before any job moves (every selected job must be of one job name)',
      ),
  })
  .refine((body) => (body.filter === undefined) !== (body.ids === undefined), {
    message: 'give either filter or ids',
    path: ['filter'],
  })
export type BulkActionRequest = z.output<typeof BulkActionRequest>

/** `?dryRun=true` of a bulk action. */
export const BulkActionQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: answer how many jobs match, act on none'),
})

/** A dry run's answer: how many jobs the action would be tried on. */
export const BulkDryRun = z
  .object({
    action: BulkAction,
    dryRun: z.literal(true),
    matched: z.number().int().describe('jobs selected (at most 100,000)'),
    more: z.boolean().describe('true: the filter matches more than one operation takes'),
  })
  .meta({ id: 'BulkDryRun' })
export type BulkDryRun = z.output<typeof BulkDryRun>

/** The states of a bulk operation. */
export const BulkOperationState = z
  .enum(['running', 'done', 'failed', 'interrupted'])
  .describe(
    'interrupted: the process running it stopped (shutdown, crash) before the end; it is not ' +
      'resumed: run the action again (the jobs it moved no longer match a state filter)',
  )

/** A bulk operation and its progress (`GET /v1/operations/{id}`), kept 24 h. */
export const BulkOperation = z
  .object({
    id: z.string(),
    action: BulkAction,
    state: BulkOperationState,
    matched: z.number().int().describe('jobs selected when it started'),
    more: z.boolean().describe('true: the filter matched more than one operation takes'),
    done: z.number().int().describe('jobs acted on'),
    skipped: z
      .number()
      .int()
      .describe('jobs passed over: gone, or in another state than the action needs by then'),
    failed: z.string().optional().describe('why the operation failed (state failed)'),
    createdAt: z.iso.datetime().describe('when it started (ISO 8601, UTC)'),
    finishedAt: z.iso
      .datetime()
      .nullable()
      .describe('when it ended (ISO 8601, UTC); null while running'),
  })
  .meta({ id: 'BulkOperation' })
export type BulkOperation = z.output<typeof BulkOperation>

/** The path of `GET /v1/operations/{id}`. */
export const OperationParams = z.object({ id: z.string().min(1).max(64) })
