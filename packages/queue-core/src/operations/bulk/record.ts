import type { Redis } from '../../connection.js'
import type { BulkAction, BulkOperation } from '../../contracts/bulk.js'

/** How long an operation's record is kept after it starts, in seconds (24 h). */
const OPERATION_TTL_S = 24 * 3_600
/**
 * How long a running operation's lease lasts without renewal, in ms. The process running it
 * renews it every {@link LEASE_RENEW_MS} and after each chunk; a record still `running` without
 * a lease was cut off (crash, kill) and reads as `interrupted`.
 */
const LEASE_MS = 60_000
const LEASE_RENEW_MS = 10_000

/** Record and lease keys: one hash tag per operation, so the MULTI below stays on one slot. */
function keysOf(prefix: string, id: string) {
  const record = `${prefix}:bulk-op:{${id}}`
  return { record, lease: `${record}:lease` }
}

/** The Redis record of one running bulk operation, written by the process running it. */
export class OperationRecord {
  private readonly keys: { record: string; lease: string }
  private readonly timer: NodeJS.Timeout

  private constructor(
    private readonly redis: Redis,
    prefix: string,
    readonly id: string,
  ) {
    this.keys = keysOf(prefix, id)
    this.timer = setInterval(() => void this.renew().catch(() => undefined), LEASE_RENEW_MS)
    // A lapsed lease is exactly what a reader must see if this process stalls that long.
    this.timer.unref()
  }

  /** Writes a new running operation's record and lease. */
  static async create(
    redis: Redis,
    prefix: string,
    fields: { id: string; action: BulkAction; matched: number; more: boolean },
  ): Promise<OperationRecord> {
    const { record, lease } = keysOf(prefix, fields.id)
    await redis
      .multi()
      .hset(record, {
        ...fields,
        more: fields.more ? '1' : '0',
        state: 'running',
        done: 0,
        skipped: 0,
        createdAt: Date.now(),
      })
      .expire(record, OPERATION_TTL_S)
      .set(lease, '1', 'PX', LEASE_MS)
      .exec()
    return new OperationRecord(redis, prefix, fields.id)
  }

  /** Stores the counts so far and renews the lease. */
  async progress(done: number, skipped: number): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.record, { done, skipped })
      .set(this.keys.lease, '1', 'PX', LEASE_MS)
      .exec()
  }

  /** Ends the operation (`done`, `failed` with why, `interrupted`) and drops its lease. */
  async finish(
    state: 'done' | 'failed' | 'interrupted',
    counts: { done: number; skipped: number },
    failed?: string,
  ): Promise<void> {
    clearInterval(this.timer)
    await this.redis
      .multi()
      .hset(this.keys.record, {
        ...counts,
        state,
        finishedAt: Date.now(),
        ...(failed !== undefined && { failed }),
      })
      .del(this.keys.lease)
      .exec()
  }

  /** Stops renewing without writing (the record is left to its lease). */
  abandon(): void {
    clearInterval(this.timer)
  }

  private async renew(): Promise<void> {
    await this.redis.set(this.keys.lease, '1', 'PX', LEASE_MS)
  }
}

/** Operation `id` as stored, or undefined when unknown or expired. */
export async function readOperation(
  redis: Redis,
  prefix: string,
  id: string,
): Promise<BulkOperation | undefined> {
  const { record, lease } = keysOf(prefix, id)
  const [[, raw], [, leased]] = (await redis.multi().hgetall(record).exists(lease).exec()) as [
    [unknown, Record<string, string>],
    [unknown, number],
  ]
  if (!raw.id) return undefined
  const running = raw.state === 'running'
  return {
    id: raw.id,
    action: raw.action as BulkOperation['action'],
    state: running && leased === 0 ? 'interrupted' : (raw.state as BulkOperation['state']),
    matched: Number(raw.matched),
    more: raw.more === '1',
    done: Number(raw.done),
    skipped: Number(raw.skipped),
    ...(raw.failed !== undefined && { failed: raw.failed }),
    // Stored as epoch ms; answered as ISO 8601, like every other time of the API.
    createdAt: isoOf(raw.createdAt!),
    finishedAt: raw.finishedAt === undefined ? null : isoOf(raw.finishedAt),
  }
}

const isoOf = (ms: string) => new Date(Number(ms)).toISOString()
