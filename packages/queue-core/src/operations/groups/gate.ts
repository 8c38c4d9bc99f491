import { Job, type JobsOptions, type Queue } from 'bullmq'
import type { AnyJobDefinition } from '../../define-job.js'
import { JobValidationError, type ValidationIssue } from '../../errors.js'
import type { AnyRegistry } from '../../registry.js'
import type { Redis } from '../../connection.js'
import { dispatchScript, PUSH_LUA } from './lua.js'

/**
 * How far ahead a held-back job is parked in BullMQ's `delayed` set: out of every worker's reach
 * until the gate promotes it. One year keeps BullMQ's delayed score (timestamp × 0x1000) exact.
 */
export const HOLD_MS = 365 * 24 * 3_600_000

/** Longest group key accepted, in characters. */
const MAX_KEY_LENGTH = 200

/** Where one queue's gate lives: the group base, BullMQ's queue base, the routing key. */
export interface GateScope {
  group: string
  bull: string
  routing: string
}

/** The gate keys of `queue` under `prefix` (same hash tag as BullMQ's, like idempotency keys). */
export function gateScope(prefix: string, queue: string): GateScope {
  const group = `${prefix}:groups.${queue}`
  return { group, bull: `${prefix}:${queue}:`, routing: `${group}:load` }
}

/** A group's id in Redis: job name and key, joined by a space (job names hold none). */
export const groupIdOf = (job: string, key: string) => `${job} ${key}`

/** Splits a group id back into its job name and key. */
export function splitGroupId(gid: string): { job: string; key: string } {
  const at = gid.indexOf(' ')
  return { job: gid.slice(0, at), key: gid.slice(at + 1) }
}

const limitsCache = new WeakMap<AnyRegistry, Map<string, (string | number)[]>>()

/** The limits of `queue`'s grouped jobs as the scripts read them: (job, concurrency, max, duration)… */
export function defaultLimits(registry: AnyRegistry, queue: string): (string | number)[] {
  let byQueue = limitsCache.get(registry)
  if (!byQueue) limitsCache.set(registry, (byQueue = new Map<string, (string | number)[]>()))
  let limits = byQueue.get(queue)
  if (!limits) {
    limits = registry
      .jobsOf(queue)
      .flatMap(({ name, group }) =>
        group ? [name, group.concurrency, group.rate?.max ?? 0, group.rate?.durationMs ?? 0] : [],
      )
    byQueue.set(queue, limits)
  }
  return limits
}

/** The script arguments every gate call starts with. */
export const baseArgs = (scope: GateScope, now = Date.now()) => [scope.group, scope.bull, now]

/**
 * The group key of each item's parsed input, checked: a non-empty string of at most 200
 * characters. Throws {@link JobValidationError} naming every bad item, so nothing is enqueued.
 */
export function groupKeysOf(definition: AnyJobDefinition, inputs: readonly unknown[]): string[] {
  const issues: ValidationIssue[] = []
  const keys = inputs.map((input, i) => {
    const key: unknown = definition.group!.key(input)
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
      const at = inputs.length === 1 ? 'data' : `items.${i}.data`
      issues.push({
        path: at,
        message: `the group key of this input must be a string of 1 to ${MAX_KEY_LENGTH} characters (got ${JSON.stringify(key)})`,
      })
    }
    return String(key)
  })
  if (issues.length) {
    throw new JobValidationError(`invalid input for job "${definition.name}"`, issues)
  }
  return keys
}

/** One grouped job to add: BullMQ's name, data and options (with its id), and its group key. */
export interface HeldJob {
  name: string
  data: unknown
  opts: JobsOptions & { jobId: string }
  key: string
}

/**
 * Adds grouped jobs in one MULTI: each as a BullMQ job parked far in `delayed` (HOLD_MS) and
 * listed under its group, so a job is never parked without being listed; a job whose add failed
 * is not listed, and the failure is thrown. Then dispatches each group once.
 */
export async function addHeld(
  queue: Queue,
  registry: AnyRegistry,
  scope: GateScope,
  jobs: readonly HeldJob[],
): Promise<void> {
  const client = (await queue.getBackend().client) as unknown as Redis
  const multi = client.multi()
  const now = Date.now()
  for (const job of jobs) {
    const held = new Job(queue, job.name, job.data, { ...job.opts, delay: HOLD_MS }, job.opts.jobId)
    // BullMQ 6.7's own add, queued on this MULTI (as idempotency.ts does).
    await held.addJob(multi as never)
    const args = [...baseArgs(scope, now), job.opts.jobId, groupIdOf(job.name, job.key)]
    multi.eval(PUSH_LUA, 1, scope.routing, ...args)
  }
  const exec = await multi.exec()
  if (!exec) throw new Error('the MULTI adding grouped jobs was aborted; nothing was added')
  const failure = exec.find(([err]) => err)?.[0]
  if (failure) throw failure
  const limits = defaultLimits(registry, queue.name)
  const groups = new Set(jobs.map((job) => groupIdOf(job.name, job.key)))
  // The jobs are in and listed: a dispatch that fails here is not the enqueue's failure (the
  // caller must not add them again); the next release, or the sweep, dispatches them.
  await Promise.all(
    [...groups].map((gid) =>
      dispatchScript(client, [scope.routing], [...baseArgs(scope, now), gid, ...limits]).catch(
        () => undefined,
      ),
    ),
  )
}
