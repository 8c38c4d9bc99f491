import { hostname } from 'node:os'
import type { Redis } from './connection.js'
import type { Logger } from './logger.js'
import { JOBQ_VERSION } from './version.js'

/** What a worker process is doing; `busy` while it runs at least one job. */
export type WorkerState = 'starting' | 'idle' | 'busy' | 'stopping'

/** One worker process as `GET /v1/workers` shows it (RQ's `rq:worker:<id>` hash, improved). */
export interface WorkerRecord {
  id: string
  hostname: string
  pid: number
  queues: string[]
  state: WorkerState
  /** Ids of the jobs it runs right now. */
  currentJobs: string[]
  /** ISO-8601: when the process registered. */
  birth: string
  /** ISO-8601: its last heartbeat; the record expires a few heartbeats after this. */
  lastHeartbeat: string
  succeeded: number
  failed: number
  /** Total time spent in handlers, in ms. */
  workingMs: number
  /** The jobq version the process runs. */
  version: string
  /** The job names it can run. */
  jobs: string[]
  /** The payload versions it can run, per job name (`[1]` for a job without versions). */
  jobVersions: Record<string, number[]>
}

/** The set of every live worker id under `prefix`. */
export const workersKey = (prefix: string) => `${prefix}:workers`
/** The hash of one worker. */
export const workerKey = (prefix: string, id: string) => `${prefix}:worker:${id}`

/** Options of {@link registerWorker}. */
export interface WorkerRecordOptions {
  /** How often the record is refreshed. @defaultValue 5000 */
  heartbeatMs?: number
  /** How long a record outlives its last heartbeat (a killed worker vanishes then). @defaultValue 3 × heartbeatMs */
  ttlMs?: number
  logger?: Logger
}

/** The live record of this process; every change is written within one heartbeat or less. */
export interface WorkerRecordHandle {
  readonly id: string
  /** Changes the state and writes it at once (resolves when written, or the write failed). */
  setState(state: WorkerState): Promise<void>
  jobStarted(jobId: string): void
  jobFinished(jobId: string, outcome: 'succeeded' | 'failed', workingMs: number): void
  /** The job left this process without finishing (e.g. parked until its children are done). */
  jobReleased(jobId: string): void
  /** A snapshot of what is (or is about to be) in Redis. */
  snapshot(): WorkerRecord
  /** Stops the heartbeat and deletes the record: a clean stop leaves nothing behind. */
  remove(): Promise<void>
}

/**
 * Writes this process's record and keeps it alive with a heartbeat. The record has a TTL of a few
 * heartbeats, so a `kill -9`'d process's record disappears on its own; readers prune the set.
 */
export async function registerWorker(
  redis: Redis,
  prefix: string,
  info: WorkerInfo,
  options: WorkerRecordOptions = {},
): Promise<WorkerRecordHandle> {
  const heartbeatMs = options.heartbeatMs ?? 5_000
  const ttlMs = options.ttlMs ?? heartbeatMs * 3
  const key = workerKey(prefix, info.id)
  const record = initialRecord(info)
  const current = new Set<string>()
  const write = async (): Promise<void> => {
    record.lastHeartbeat = new Date().toISOString()
    record.currentJobs = [...current]
    await redis
      .multi()
      .hset(key, toHash(record))
      .pexpire(key, ttlMs)
      .sadd(workersKey(prefix), info.id)
      .exec()
  }
  // Counters change per job; writing each change would cost a round trip per job, so changes are
  // batched and flushed at most this often (state changes show up within it too).
  const writer = new CoalescedWriter(write, Math.min(heartbeatMs, 1_000), options.logger)
  await write()
  const heartbeat = setInterval(() => void writer.flush(), heartbeatMs).unref()
  const settle = () => {
    if (record.state === 'busy' && current.size === 0) record.state = 'idle'
    writer.changed()
  }

  return {
    id: info.id,
    setState(state) {
      record.state = state
      return writer.flush()
    },
    jobStarted(jobId) {
      current.add(jobId)
      if (record.state === 'idle') record.state = 'busy'
      writer.changed()
    },
    jobFinished(jobId, outcome, workingMs) {
      current.delete(jobId)
      record[outcome]++
      record.workingMs += Math.max(0, workingMs)
      settle()
    },
    jobReleased(jobId) {
      current.delete(jobId)
      settle()
    },
    snapshot: () => ({ ...record, currentJobs: [...current] }),
    async remove() {
      clearInterval(heartbeat)
      await writer.stop()
      await redis.multi().del(key).srem(workersKey(prefix), info.id).exec()
    },
  }
}

/** What a worker says of itself when it registers. */
interface WorkerInfo {
  id: string
  queues: readonly string[]
  jobs: readonly string[]
  /** Per job name, the payload versions it runs; a job left out runs version 1 only. */
  jobVersions?: Record<string, number[]>
}

/** A new process's record: `starting`, nothing done yet. */
function initialRecord(info: WorkerInfo): WorkerRecord {
  const now = new Date().toISOString()
  return {
    id: info.id,
    hostname: hostname(),
    pid: process.pid,
    queues: [...info.queues],
    state: 'starting',
    currentJobs: [],
    birth: now,
    lastHeartbeat: now,
    succeeded: 0,
    failed: 0,
    workingMs: 0,
    version: JOBQ_VERSION,
    jobs: [...info.jobs],
    jobVersions: Object.fromEntries(info.jobs.map((job) => [job, info.jobVersions?.[job] ?? [1]])),
  }
}

/**
 * Writes the record at most once at a time: while Redis is away writes would pile up in the
 * offline queue, so a change made while one is in flight is written right after it.
 */
class CoalescedWriter {
  private writing: Promise<void> | undefined
  private again = false
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  constructor(
    private readonly write: () => Promise<void>,
    /** How long a change may wait for the next write, in ms. */
    private readonly delayMs: number,
    private readonly logger?: Logger,
  ) {}

  /** Something changed: written within {@link delayMs}. */
  changed(): void {
    this.timer ??= setTimeout(() => void this.flush(), this.delayMs).unref()
  }

  flush(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.stopped) return Promise.resolve()
    if (this.writing) {
      this.again = true
      return this.writing
    }
    this.writing = this.write()
      .catch((err: Error) => this.logger?.warn({ err: err.message }, 'worker record not written'))
      .finally(() => {
        this.writing = undefined
        if (this.again) {
          this.again = false
          void this.flush()
        }
      })
    return this.writing
  }

  /** Writes nothing more; resolves once the write in flight has ended. */
  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.writing
  }
}

/** Every live worker under `prefix`; ids whose record has expired are pruned from the set. */
export async function listWorkers(redis: Redis, prefix: string): Promise<WorkerRecord[]> {
  const ids = await redis.smembers(workersKey(prefix))
  if (ids.length === 0) return []
  const pipeline = redis.pipeline()
  for (const id of ids) pipeline.hgetall(workerKey(prefix, id))
  const replies = (await pipeline.exec()) ?? []
  const records: WorkerRecord[] = []
  const dead: string[] = []
  ids.forEach((id, i) => {
    const hash = replies[i]?.[1] as Record<string, string> | undefined
    if (!hash || Object.keys(hash).length === 0) dead.push(id)
    else records.push(fromHash(hash))
  })
  if (dead.length) await redis.srem(workersKey(prefix), ...dead)
  return records.sort((a, b) => a.birth.localeCompare(b.birth) || a.id.localeCompare(b.id))
}

function toHash(record: WorkerRecord): Record<string, string> {
  return {
    id: record.id,
    hostname: record.hostname,
    pid: String(record.pid),
    queues: JSON.stringify(record.queues),
    state: record.state,
    currentJobs: JSON.stringify(record.currentJobs),
    birth: record.birth,
    lastHeartbeat: record.lastHeartbeat,
    succeeded: String(record.succeeded),
    failed: String(record.failed),
    workingMs: String(Math.round(record.workingMs)),
    version: record.version,
    jobs: JSON.stringify(record.jobs),
    jobVersions: JSON.stringify(record.jobVersions),
  }
}

function fromHash(hash: Record<string, string>): WorkerRecord {
  const list = (raw: string | undefined): string[] => {
    try {
      const value: unknown = JSON.parse(raw ?? '[]')
      return Array.isArray(value) ? value.map(String) : []
    } catch {
      return []
    }
  }
  return {
    id: hash.id ?? '',
    hostname: hash.hostname ?? '',
    pid: Number(hash.pid ?? 0),
    queues: list(hash.queues),
    state: (hash.state ?? 'idle') as WorkerState,
    currentJobs: list(hash.currentJobs),
    birth: hash.birth ?? '',
    lastHeartbeat: hash.lastHeartbeat ?? '',
    succeeded: Number(hash.succeeded ?? 0),
    failed: Number(hash.failed ?? 0),
    workingMs: Number(hash.workingMs ?? 0),
    version: hash.version ?? '',
    jobs: list(hash.jobs),
    jobVersions: versionsField(hash.jobVersions, list(hash.jobs)),
  }
}

/**
 * The `jobVersions` field, read defensively: a record written before versions existed (or a
 * malformed one) runs version 1 of each of its jobs.
 */
function versionsField(raw: string | undefined, jobs: string[]): Record<string, number[]> {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw ?? '{}')
  } catch {
    parsed = {}
  }
  const stored = typeof parsed === 'object' && parsed !== null ? parsed : {}
  return Object.fromEntries(
    jobs.map((job) => {
      const versions = (stored as Record<string, unknown>)[job]
      const numbers = Array.isArray(versions) ? versions.filter(Number.isInteger) : []
      return [job, numbers.length ? (numbers as number[]) : [1]]
    }),
  )
}
