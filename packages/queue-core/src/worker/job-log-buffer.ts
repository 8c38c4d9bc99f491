import type { Redis } from '../connection.js'
import { formatLogLine, LOG_LINES } from '../job-log.js'
import { teeLogger } from '../log-tee.js'
import type { Logger } from '../logger.js'
import { script } from '../lua-script.js'

/** Stores a batch of formatted lines in a job's log, in order. */
export type LogSink = (lines: string[]) => Promise<void>

/**
 * The lines one attempt writes with `ctx.log`, on their way to the job's log. A log call only
 * formats and buffers its line: the batch goes in one write per turn of the event loop
 * (`setImmediate`), so a handler never waits on Redis to log. {@link JobLogBuffer.close} writes
 * what is left before the attempt's outcome is stored, so the last lines are never lost.
 * An attempt keeps its first {@link LOG_LINES} lines, then counts the rest in a closing line.
 */
export class JobLogBuffer {
  private lines: string[] = []
  private kept = 0
  private dropped = 0
  private scheduled = false
  private written: Promise<void> = Promise.resolve()

  constructor(
    private readonly attempt: number,
    private readonly sink: LogSink,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** A child of `logger` bound to the job whose lines also come here. */
  loggerFor(logger: Logger, bindings: Record<string, unknown>): Logger {
    return teeLogger(logger.child(bindings), (level, args) => this.push(level, args))
  }

  push(level: number, args: readonly unknown[]): void {
    if (this.kept >= LOG_LINES) {
      this.dropped++
      return
    }
    this.kept++
    this.lines.push(formatLogLine(level, this.attempt, args))
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => void this.flush())
  }

  /** Writes the buffered lines (after the writes before); resolves when they are stored. */
  flush(): Promise<void> {
    this.scheduled = false
    if (this.lines.length === 0) return this.written
    const batch = this.lines
    this.lines = []
    // A failed write costs the batch, never the job: the process log still has every line.
    this.written = this.written.then(() => this.sink(batch)).catch(this.onError)
    return this.written
  }

  /** Ends the attempt's log: the count of lines not kept, then every line still buffered. */
  async close(): Promise<void> {
    if (this.dropped > 0) {
      const note = `${this.dropped} more lines not kept (${LOG_LINES} per attempt)`
      this.lines.push(formatLogLine(40, this.attempt, [note]))
      this.dropped = 0
    }
    await this.flush()
  }
}

/**
 * Appends ARGV[2..] to the log list KEYS[2] of the job hash KEYS[1] and keeps its newest ARGV[1]
 * lines, as BullMQ's addLog does with `keepLogs`, in one call for a batch. Nothing is written
 * for a job already removed (it would leave an orphan list). Both keys share the queue's prefix,
 * hence its hash tag: one cluster slot.
 */
const ADD_LOGS = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], unpack(ARGV, 2))
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[1]), -1)
return 1
`)

/** A job whose log lines go straight to Redis: a BullMQ `Job` of an in-process queue. */
export interface LoggedJob {
  queueQualifiedName: string
  id?: string
}

/** Stores a batch of formatted lines in `job`'s log: a sink shared by every job of a worker. */
export type JobLogSink = (job: LoggedJob, lines: string[]) => Promise<void>

/**
 * The sink of in-process jobs: one script call per batch. Made once per worker; runJob binds it
 * to a job only when the job first logs (most never do).
 */
export function redisLogSink(connection: Redis): JobLogSink {
  return async (job, lines) => {
    const jobKey = `${job.queueQualifiedName}:${job.id ?? ''}`
    await ADD_LOGS(connection, [jobKey, `${jobKey}:logs`], [LOG_LINES, ...lines])
  }
}

/**
 * The sink of a job that has only BullMQ's `job.log` (a sandboxed child's copy: each line goes
 * to the parent, which stores it).
 */
export function perLineLogSink(job: { log?: (row: string) => Promise<unknown> }): LogSink {
  return async (lines) => {
    if (!job.log) return
    for (const line of lines) await job.log(line)
  }
}
