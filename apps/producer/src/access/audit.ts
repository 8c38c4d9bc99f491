import type { Context, MiddlewareHandler } from 'hono'
import { boundedTarget, type Logger, type Operations } from '@jobq/queue-core'
import type { AuditRecord } from '@jobq/queue-core/contracts'

/** What a handler may add to its audit entry: a target from the body, the count it knows. */
export interface AuditNote {
  target?: Record<string, string>
  affected?: number | null
}

/** Writes entries: to the trail (a capped stream) and the log. */
type AuditSink = (entry: AuditRecord) => Promise<void>

/**
 * Records an admin action after its route answered, refused or not: time, token name, `action`,
 * target (path parameters, query, and what the handler added with {@link auditNote}), affected
 * count, request id, status. The affected count is the handler's note, else the answer's
 * `affected`, else the number of `queues` it answers (every-queue pause), else 1 for a success
 * (one queue, job or key) and 0 for a refusal; `null` for `countless` routes (the dashboard's,
 * whose answers do not say). The one hook of every admin route: `mount()` puts it on each
 * route declared `admin`; other admin endpoints add `audited(action)` as a middleware.
 */
export function audited(action: string, options: { countless?: boolean } = {}): MiddlewareHandler {
  return async (c, next) => {
    await next()
    const answer = await jsonAnswer(c)
    const note = c.get('auditNote')
    const status = c.res.status
    const affected =
      note?.affected !== undefined
        ? note.affected
        : status >= 400
          ? 0
          : (countOf(answer) ?? (options.countless ? null : 1))
    await c.get('auditSink')({
      at: new Date().toISOString(),
      token: c.get('apiToken')?.name ?? 'anonymous',
      action,
      target: { ...c.req.param(), ...c.req.query(), ...note?.target },
      affected,
      requestId: c.get('requestId'),
      status,
    })
  }
}

/** Adds to the request's audit entry (e.g. a bulk action's filter and count). */
export function auditNote(c: Context, note: AuditNote): void {
  const before = c.get('auditNote')
  c.set('auditNote', { ...before, ...note, target: { ...before?.target, ...note.target } })
}

function countOf(answer: unknown): number | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined
  const { affected, queues } = answer as { affected?: unknown; queues?: unknown }
  if (typeof affected === 'number') return affected
  return Array.isArray(queues) ? queues.length : undefined
}

async function jsonAnswer(c: Context): Promise<unknown> {
  if (!c.res.headers.get('content-type')?.startsWith('application/json')) return undefined
  try {
    return await c.res.clone().json()
  } catch {
    return undefined
  }
}

/**
 * Makes the request's `auditSink`: each entry goes to `operations.audit` and to the log
 * (`audit` at info). A trail that cannot be written (Redis away) is logged as an error and does
 * not change the answer: the action has happened (or failed) already.
 */
export function auditTrail(operations: Operations, logger: Logger): MiddlewareHandler {
  const sink: AuditSink = async (raw) => {
    // Bounded once for the log and the trail alike: a bulk action's body may list 10,000 ids.
    const entry = { ...raw, target: boundedTarget(raw.target) }
    logger.info({ audit: entry }, 'audit')
    try {
      await operations.audit.record(entry)
    } catch (err) {
      logger.error({ err, audit: entry }, 'audit trail not written')
    }
  }
  return async (c, next) => {
    c.set('auditSink', sink)
    return next()
  }
}

declare module 'hono' {
  interface ContextVariableMap {
    auditSink: AuditSink
    auditNote: AuditNote
  }
}
