import { hostname } from 'node:os'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Job, Processor } from 'bullmq'
import { AttemptHistoryWriter } from '../attempt-history.js'
import type { Redis } from '../connection.js'
import { UnknownQueueError } from '../errors.js'
import { FleetStatsRecorder } from '../fleet-stats.js'
import { RETENTION } from '../job-options.js'
import { registerWorker } from '../records.js'
import { syncSchedules } from '../schedules.js'
import { watchAttempts } from './attempt-events.js'
import { subscribeToCancels, type CancelSubscription } from './cancels.js'
import { closeWorker } from './close.js'
import { watchGroups, type GroupAgent } from './groups-agent.js'
import { loadHandlers } from './handler-loader.js'
import { BULLMQ_LOCK_MS, createJobqWorker, type JobqWorker } from './jobq-worker.js'
import { createLockKeeper, type LockKeeper } from './lock-keeper.js'
import { HAND_BACK_MS, type RunningWorker, type WorkerOptions } from './options.js'
import { inProcessProcessor } from './process-job.js'
import { QueueHandles } from './queue-handles.js'
import { RecentCancels } from './recent-cancels.js'
import type { WorkerRuntime } from './runtime.js'
import { attemptHooksOf } from './start-budget.js'
import { sandboxProcessorUrl } from './sandbox.js'
import { ScheduleGate } from './schedule-gate.js'
import { versionGateOf, type VersionGate } from './version-gate.js'
import { versionsOf } from '../versions.js'

/**
 * Starts a worker, in this order: registers its record (state `starting`), loads the handlers of
 * the selected queues and runs every `setup()`, syncs the queues' schedules, subscribes to cancel
 * requests, marks the record `idle`, and only then runs one BullMQ worker per queue. So no job
 * is taken before its handler's preload is done, a cancel sent once a job runs is always heard,
 * and a job taken at once shows in the record as `busy`.
 * Throws `UnknownQueueError` for a queue the registry lacks, `TypeError` for a sandboxed queue
 * without `sandboxProcessor`, and whatever a handler's load or `setup()` threw.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { registry, connection, prefix = 'jobq', logger } = options
  const queues = selectQueues(options)
  const sandboxed = queues.filter((queue) => registry.queues[queue]?.sandbox)
  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`
  const jobs = queues.flatMap((queue) => registry.jobsOf(queue))
  const record = await registerWorker(
    connection,
    prefix,
    {
      id,
      queues,
      jobs: jobs.map((job) => job.name),
      jobVersions: Object.fromEntries(jobs.map((job) => [job.name, versionsOf(job)])),
    },
    { heartbeatMs: options.heartbeatMs, ttlMs: options.recordTtlMs, logger },
  )
  const runtime: WorkerRuntime = {
    id,
    prefix,
    connection,
    registry,
    logger,
    record,
    history: new AttemptHistoryWriter(connection, id, logger),
    fleetStats: new FleetStatsRecorder(connection, prefix),
    queueHandles: new QueueHandles(connection, prefix, registry, logger),
    runs: new Map(),
    recentCancels: new RecentCancels(),
    shutdown: new AbortController(),
  }
  let workers: JobqWorker[] = []
  let cancels: CancelSubscription | undefined
  let groups: GroupAgent[] = []
  try {
    const handlers = await loadHandlers(jobs.filter((job) => !sandboxed.includes(job.queue)))
    const served = new Map(queues.map((name) => [name, runtime.queueHandles.get(name)]))
    await syncSchedules(registry, served, logger)
    const processor = inProcessProcessor(runtime, handlers, onParkedOf(runtime), lockMsOf(options))
    const gates = {
      version: versionGateOf(runtime, jobs),
      // Most workers serve no schedule: their hot path then skips the scheduled-run test.
      schedule: jobs.some((job) => job.schedule) ? new ScheduleGate(runtime, jobs) : undefined,
    }
    workers = createWorkers(options, runtime, queues, processor, gates)
    const keeper = lockKeeperOf(options, runtime, workers)
    for (const worker of workers) {
      watchAttempts(worker, runtime, { keeper, onJobFinished: options.onJobFinished })
    }
    groups = workers.flatMap((worker) => watchGroups(worker, runtime) ?? [])
    const subscription = (cancels = await subscribeToCancels(runtime, workers))
    await record.setState('idle')
    // Last: a BullMQ worker takes jobs as soon as it runs (see createJobqWorker).
    for (const worker of workers) {
      worker.run().catch((err: Error) => worker.emit('error', err))
    }
    logger.info({ workerId: id, queues }, 'worker taking jobs')
    return {
      id,
      queues,
      record: () => record.snapshot(),
      ping: (timeoutMs = 1_000) => ping(connection, timeoutMs),
      close: (graceMs = 30_000, handBackMs = HAND_BACK_MS) => {
        for (const agent of groups) agent.stop()
        return closeWorker(runtime, { workers, cancels: subscription, keeper }, graceMs, handBackMs)
      },
    }
  } catch (err) {
    // Nothing ran: release what was made, so a failed start leaves no connection behind.
    cancels?.disconnect()
    for (const agent of groups) agent.stop()
    await Promise.all(workers.map((worker) => worker.close(true))).catch(() => undefined)
    await runtime.queueHandles.close().catch(() => undefined)
    await runtime.fleetStats.close().catch(() => undefined)
    await record.remove().catch(() => undefined)
    throw err
  }
}

/** The queues to serve, checked against the registry and the sandbox processor. */
function selectQueues(options: WorkerOptions): string[] {
  const { registry } = options
  const queues = options.queues?.length ? [...new Set(options.queues)] : [...registry.queueNames]
  for (const queue of queues) {
    if (!registry.queues[queue]) throw new UnknownQueueError(queue, registry.queueNames)
  }
  const sandboxed = queues.filter((queue) => registry.queues[queue]?.sandbox)
  if (sandboxed.length && !options.sandboxProcessor) {
    throw new TypeError(
      `queues ${sandboxed.join(', ')} are sandboxed: pass sandboxProcessor to startWorker`,
    )
  }
  return queues
}

/** One stopped BullMQ worker per queue: sandboxed queues fork `sandboxProcessor`. */
function createWorkers(
  options: WorkerOptions,
  runtime: WorkerRuntime,
  queues: readonly string[],
  processor: Processor,
  gates: { version: VersionGate; schedule: ScheduleGate | undefined },
): JobqWorker[] {
  const { registry } = runtime
  return queues.map((queue) =>
    createJobqWorker(
      queue,
      registry.queues[queue]?.sandbox
        ? sandboxProcessorUrl(options.sandboxProcessor!, queue)
        : processor,
      {
        connection: runtime.connection,
        prefix: runtime.prefix,
        name: runtime.id,
        definition: registry.queues[queue],
        concurrency: options.concurrency,
        lockDurationMs: options.lockDurationMs,
        stalledIntervalMs: options.stalledIntervalMs,
        retention: options.retention ?? RETENTION,
        attemptHooks: attemptHooksOf(runtime),
        versionGate: gates.version,
        scheduleGate: gates.schedule,
      },
    ),
  )
}

/** What a worker does when a job parks itself for its fan-out children: the run is over here. */
function onParkedOf(runtime: WorkerRuntime): (job: Job) => void {
  return (job) => {
    runtime.record.jobReleased(job.id ?? '')
    runtime.history.ended(job, 'waiting-children')
  }
}

/** The workers' lock duration, in ms, as createJobqWorker sets it: unset or 0 is BullMQ's. */
function lockMsOf(options: WorkerOptions): number {
  return options.lockDurationMs || BULLMQ_LOCK_MS
}

/** The lock keeper of the in-process queues; none when disabled or every queue is sandboxed. */
function lockKeeperOf(
  options: WorkerOptions,
  runtime: WorkerRuntime,
  workers: readonly JobqWorker[],
): LockKeeper | undefined {
  // Only in-process queues: a sandboxed handler blocks its child, not this event loop.
  const inProcess = workers.filter((worker) => !runtime.registry.queues[worker.name]?.sandbox)
  if (options.lockKeeper === false || !inProcess.length) return undefined
  return createLockKeeper({
    connection: runtime.connection,
    logger: runtime.logger,
    lockMs: inProcess[0]!.lockMs,
    queues: inProcess.map((worker) => ({
      base: `${runtime.prefix}:${worker.name}:`,
      workerId: worker.id,
    })),
  })
}

/** True when Redis answers a PING within `timeoutMs`. */
async function ping(connection: Redis, timeoutMs: number): Promise<boolean> {
  if (connection.status !== 'ready') return false
  const pong = connection.ping().then(
    (reply) => reply === 'PONG',
    () => false,
  )
  return Promise.race([pong, sleep(timeoutMs, false, { ref: false })])
}
