import { z } from 'zod'
import { decimalInt } from './integers.js'

/** A rate limit of one key: at most `max` starts per sliding window of `durationMs`. */
export const GroupRate = z
  .strictObject({
    max: z.number().int().min(1).max(1_000_000).describe('starts per window'),
    durationMs: z.number().int().min(1).max(86_400_000).describe('window length, in ms'),
  })
  .meta({ id: 'GroupRate' })

/** The limits one key runs under: its job's definition, or an override. */
export const GroupLimits = z
  .object({
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .describe('jobs of this key holding a slot (running or next in line) at once'),
    rate: GroupRate.nullable().describe('starts per window; null: no rate limit'),
  })
  .meta({ id: 'GroupLimits' })
export type GroupLimits = z.output<typeof GroupLimits>

/**
 * `PUT /v1/groups/{job}/{key}`: another limit for one key. A field left out keeps the job
 * definition's value; `rate: null` lifts the rate limit for this key. Unknown fields: 400.
 * Inlined (no component id), so the document shows the body's `additionalProperties: false`.
 */
export const GroupLimitRequest = z.strictObject({
  concurrency: GroupLimits.shape.concurrency.optional(),
  rate: GroupRate.nullable().optional(),
})
export type GroupLimitRequest = z.output<typeof GroupLimitRequest>

/** One key of a grouped job, as `GET /v1/queues/{queue}/groups` lists it. */
export const GroupView = z
  .object({
    job: z.string(),
    key: z.string(),
    active: z
      .number()
      .int()
      .describe('jobs holding a slot: running, or dispatched to the queue and next in line'),
    waiting: z.number().int().describe('jobs held back by this key’s limits'),
    limits: GroupLimits,
    overridden: z.boolean().describe('whether the limits are a run-time override'),
  })
  .meta({ id: 'GroupView' })
export type GroupView = z.output<typeof GroupView>

/** A page of a queue's keys with work, busiest (active + waiting) first. */
export const GroupList = z
  .object({
    groups: z.array(GroupView),
    total: z.number().int().describe('keys with work in the queue'),
  })
  .meta({ id: 'GroupList' })
export type GroupList = z.output<typeof GroupList>

/** `job` and `key` in a path. */
export const GroupParams = z.object({
  job: z.string().meta({ example: 'demo.tenant-task' }),
  key: z.string().min(1).max(200).meta({ example: 'acme' }),
})

/** Which page of groups. */
export const GroupListQuery = z.strictObject({
  limit: decimalInt(1, 500, 50),
  offset: decimalInt(0, 10_000_000, 0),
})
