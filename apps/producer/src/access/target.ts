import type { Context } from 'hono'

/** A route that spans every queue (fleet-wide lists and actions, the dashboard, `/metrics`). */
export const EVERY_QUEUE = Symbol('every queue')

/** Finds the queue of a job, for routes that name a job rather than a queue. */
export interface QueueLookup {
  /** The queue of job definition `name`; `undefined` for no such job. */
  ofJob(name: string): string | undefined
  /** The queue holding job `id`; `undefined` when there is no such job. */
  ofId(id: string): Promise<string | undefined>
}

/**
 * The queue a request to a route targets: its queue, `EVERY_QUEUE`, or `undefined` when the
 * request names nothing that exists (the route then answers its own 404 or 400).
 */
export type Target = (
  c: Context,
  lookup: QueueLookup,
) => Promise<string | typeof EVERY_QUEUE | undefined>

/**
 * How a route's target is found, from its path template, so a new route is covered without a
 * word: `{queue}` is the queue; `/v1/jobs/{id}…` the queue holding that job; `{job}` the job's
 * queue; `GET /v1/jobs` (search) the queue of its `name`; any other route spans every queue. (The
 * enqueue routes, one per job, name their job's queue themselves: `routes/enqueue.ts`.)
 */
export function targetOf(path: string): Target {
  if (path.includes('{queue}')) return async (c) => c.req.param('queue')
  if (path.startsWith('/v1/jobs/{id}')) {
    return (c, lookup) => lookup.ofId(c.req.param('id') ?? '')
  }
  if (path.includes('{job}')) return async (c, lookup) => lookup.ofJob(c.req.param('job') ?? '')
  if (path === '/v1/jobs') return async (c, lookup) => lookup.ofJob(c.req.query('name') ?? '')
  return everyQueue
}

/** The target of a route that spans every queue. */
export const everyQueue: Target = async () => EVERY_QUEUE
