import type { Job } from 'bullmq'
import { baseArgs, defaultLimits, gateScope, type GateScope } from '../operations/groups/gate.js'
import { dispatchScript, releaseScript, sweepScript } from '../operations/groups/lua.js'
import type { JobqWorker } from './jobq-worker.js'
import type { WorkerRuntime } from './runtime.js'

/** Entries of the held hash and groups with work looked at per sweep step. */
const SWEEP_BUDGET = 200

/** What a worker runs for the grouped jobs of one queue; {@link stop} on close. */
export interface GroupAgent {
  stop(): void
}

/**
 * The worker side of flow control for `worker`'s queue, when it has grouped jobs (else
 * undefined): frees a job's slot and dispatches its group when the job ends for good (a retrying
 * job keeps its slot: the script checks); every stalled-check interval (`sweepMs`) a bounded
 * sweep frees the slots of jobs that ended outside this worker (the stalled checker, a cancel,
 * a removal, a worker killed mid-job) and dispatches groups with work; and, for rate-limited
 * groups, a timer dispatches when the oldest counted start leaves its window. No polling
 * otherwise: an idle worker with a blocked group sends one sweep per `sweepMs`.
 */
export function watchGroups(worker: JobqWorker, runtime: WorkerRuntime): GroupAgent | undefined {
  // BullMQ's stalled checker runs on this interval: the sweep frees what it fails.
  const sweepMs = worker.opts.stalledInterval ?? 30_000
  const { registry, connection: redis, logger } = runtime
  const queue = worker.name
  if (!registry.jobsOf(queue).some((job) => job.group)) return undefined
  const scope = gateScope(runtime.prefix, queue)
  const limits = defaultLimits(registry, queue)
  const wakes = new Map<string, { at: number; timer: NodeJS.Timeout }>()
  const warn = (err: unknown, what: string) =>
    logger.warn({ err: (err as Error).message, queue }, `groups: ${what} failed`)

  const wakeAt = (gid: string, at: number) => {
    const current = wakes.get(gid)
    if (at <= 0 || (current && current.at <= at)) return
    if (current) clearTimeout(current.timer)
    const timer = setTimeout(() => {
      wakes.delete(gid)
      run(scope, redis, dispatchScript, [gid, ...limits])
        .then(([, wake]) => wakeAt(gid, Number(wake)))
        .catch((err: unknown) => warn(err, 'dispatch'))
    }, at - Date.now())
    timer.unref()
    wakes.set(gid, { at, timer })
  }

  const ended = (job: Job | undefined) => {
    if (!job?.id || !registry.job(job.name)?.group) return
    run(scope, redis, releaseScript, [job.id, ...limits])
      .then(([, wake, gid]) => typeof gid === 'string' && wakeAt(gid, Number(wake)))
      .catch((err: unknown) => warn(err, 'release'))
  }
  worker.on('completed', ended)
  worker.on('failed', ended)

  let cursor = '0'
  let offset = 0
  const sweep = () => {
    run(scope, redis, sweepScript, [cursor, offset, SWEEP_BUDGET, ...limits])
      .then(([next, nextOffset, due]) => {
        cursor = String(next)
        offset = Number(nextOffset)
        const pairs = due as (string | number)[]
        for (let i = 0; i + 1 < pairs.length; i += 2) wakeAt(String(pairs[i]), Number(pairs[i + 1]))
      })
      .catch((err: unknown) => warn(err, 'sweep'))
  }
  sweep()
  const sweeper = setInterval(sweep, sweepMs)
  sweeper.unref()
  return {
    stop() {
      clearInterval(sweeper)
      for (const { timer } of wakes.values()) clearTimeout(timer)
      wakes.clear()
    },
  }
}

async function run(
  scope: GateScope,
  redis: WorkerRuntime['connection'],
  lua: typeof releaseScript,
  args: (string | number)[],
): Promise<unknown[]> {
  return (await lua(redis, [scope.routing], [...baseArgs(scope), ...args])) as unknown[]
}
