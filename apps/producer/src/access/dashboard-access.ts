import type { MiddlewareHandler } from 'hono'
import { audited, auditNote } from './audit.js'
import { guard } from './guard.js'
import { everyQueue as every } from './target.js'

/** bull-board's routes under `/api/queues/<queue>/<word>/…` that name no job. */
const QUEUE_WORDS = new Set(['retry', 'clean', 'job-schedulers', 'rate-limit'])

/**
 * The dashboard's access: reading it (GET, HEAD) needs `read`; its actions (every other method,
 * bull-board's `/ui/api/…` calls: retry, promote, remove, clean, pause, …) need `admin` and are
 * written to the audit trail, as `<METHOD> <path>` with the queue (and job id) they name. It
 * spans every queue: a queue-limited token is refused. Tokens without `admin` are served the
 * read-only board (`dashboard.ts`).
 */
export function dashboardAccess(): MiddlewareHandler {
  const read = guard('read', every)
  const admin = guard('admin', every)
  return async (c, next) => {
    const { method, path } = c.req
    if (method === 'GET' || method === 'HEAD') return read(c, next)
    // '', 'ui', 'api', 'queues', <queue>, <job id or word>, <verb>
    const [, , api, queues, queue, second, verb] = path.split('/')
    const named = api === 'api' && queues === 'queues' && queue !== undefined
    const id = named && verb !== undefined && !QUEUE_WORDS.has(second!) ? second : undefined
    if (named && !['pause', 'resume'].includes(queue)) {
      auditNote(c, { target: { queue: decodeURIComponent(queue), ...(id && { id }) } })
    }
    // One job: 1 when done; a queue's or every queue's action: bull-board does not say how many.
    return audited(`${method} ${path}`, { countless: id === undefined })(c, async () => {
      // Called here, not by hono's chain: its refusal becomes the answer by hand.
      const refused = await admin(c, next)
      if (refused instanceof Response) c.res = refused
    })
  }
}
