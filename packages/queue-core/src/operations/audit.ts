import type { AuditEntry, AuditPage, AuditQuery, AuditRecord } from '../contracts/audit.js'
import type { OperationsContext } from './context.js'

/**
 * Entries the trail keeps, about (`MAXLEN ~`: Redis trims whole macro nodes, so a few more may
 * stay). Admin actions are rare (people and scripts acting on queues), so 10,000 is weeks of
 * history in a few MB at most, and the trail can never grow Redis's memory without bound, as
 * an uncapped stream would under a script looping over an admin route.
 */
export const AUDIT_MAX_ENTRIES = 10_000

/**
 * Characters an entry keeps of each target value: a bulk action's request may list 10,000 ids,
 * and the trail is to say what was asked, not to copy it.
 */
const TARGET_VALUE_MAX_CHARS = 1_000

/** Entries read per `XREVRANGE` while a filtered list looks for its page. */
const BATCH = 500

/**
 * The audit trail of admin actions: a capped Redis stream, `<prefix>:audit` (one key, so a
 * cluster keeps it on one slot). Written by the producer after each admin action, read by
 * `GET /v1/audit` and `jobq audit`.
 */
export class AuditOperations {
  constructor(private readonly ctx: OperationsContext) {}

  private get key() {
    return `${this.ctx.prefix}:audit`
  }

  /** Appends one entry (`XADD … MAXLEN ~ 10000`); answers its id. */
  record(entry: AuditRecord): Promise<string> {
    const fields = [
      'at', entry.at, 'token', entry.token, 'action', entry.action,
      'target', JSON.stringify(boundedTarget(entry.target)), 'affected', String(entry.affected ?? ''),
      'requestId', entry.requestId, 'status', String(entry.status),
    ] // prettier-ignore
    return this.ctx.guard(async () => {
      const id = await this.ctx.connection.xadd(
        this.key,
        'MAXLEN',
        '~',
        AUDIT_MAX_ENTRIES,
        '*',
        ...fields,
      )
      return id!
    })
  }

  /**
   * A page of entries, newest first, older than `cursor`, matching `action` and `token` when
   * given. A filtered page reads the stream in batches until it is full or the stream ends:
   * at most {@link AUDIT_MAX_ENTRIES} entries, which the cap bounds.
   */
  list(query: AuditQuery): Promise<AuditPage> {
    return this.ctx.guard(async () => {
      const entries: AuditEntry[] = []
      let end = query.cursor === undefined ? '+' : before(query.cursor)
      for (;;) {
        const batch = await this.ctx.connection.xrevrange(this.key, end, '-', 'COUNT', BATCH)
        for (const [id, fields] of batch) {
          const entry = entryOf(id, fields)
          if (query.action !== undefined && entry.action !== query.action) continue
          if (query.token !== undefined && entry.token !== query.token) continue
          entries.push(entry)
          if (entries.length === query.limit) return { entries, nextCursor: id }
        }
        if (batch.length < BATCH) return { entries, nextCursor: null }
        end = before(batch.at(-1)![0])
      }
    })
  }
}

/** The greatest stream id below `id` (`XREVRANGE`'s exclusive `(` needs Redis 6.2). */
function before(id: string): string {
  const [ms, seq] = id.split('-').map(BigInt) as [bigint, bigint]
  if (seq > 0n) return `${ms}-${seq - 1n}`
  return ms > 0n ? `${ms - 1n}-18446744073709551615` : '0-0'
}

function entryOf(id: string, flat: string[]): AuditEntry {
  const f: Record<string, string> = {}
  for (let i = 0; i < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!
  return {
    id,
    at: f.at ?? '',
    token: f.token ?? '',
    action: f.action ?? '',
    target: parseTarget(f.target),
    affected: f.affected ? Number(f.affected) : null,
    requestId: f.requestId ?? '',
    status: Number(f.status ?? 0),
  }
}

function parseTarget(text = '{}'): Record<string, string> {
  try {
    return JSON.parse(text) as Record<string, string>
  } catch {
    return {}
  }
}

/**
 * `target` with each value cut at {@link TARGET_VALUE_MAX_CHARS} (1,000) characters, marked with
 * `…`: what the trail keeps, and what the producer logs beside it.
 */
export function boundedTarget(target: Record<string, string>): Record<string, string> {
  const cut = (value: string) =>
    value.length > TARGET_VALUE_MAX_CHARS ? `${value.slice(0, TARGET_VALUE_MAX_CHARS)}…` : value
  return Object.fromEntries(Object.entries(target).map(([key, value]) => [key, cut(value)]))
}
