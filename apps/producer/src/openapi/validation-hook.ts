import type { Hook } from '@hono/zod-openapi'
import type { Env } from 'hono'
import { JobValidationError } from '@jobq/queue-core'

/** What each request part is called in an issue's path and the problem's detail. */
const LABELS: Record<string, string> = { json: 'body', query: 'query', param: 'params' }

/**
 * The app's `defaultHook`: a request that fails its route's schema is answered 400
 * problem+json, `errors` naming each issue (`data.ms`, `options.jobId`, `query.limit`), as the
 * error handler answers every {@link JobValidationError}. A body's issues are named from its root,
 * the way an enqueue's `data.…` issues always were; other parts carry their label.
 */
export const validationHook: Hook<unknown, Env, string, unknown> = (result) => {
  if (result.success) return
  const label = LABELS[result.target] ?? result.target
  throw new JobValidationError(
    `invalid ${label}`,
    result.error.issues.map((issue) => {
      const parts = [...(result.target === 'json' ? [] : [label]), ...issue.path.map(String)]
      return { path: parts.join('.') || label, message: issue.message }
    }),
  )
}
