import type { Hook, z } from '@hono/zod-openapi'
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
  throw validationError(result.error, result.target)
}

/**
 * The 400 of a request part (`target`: `json`, `query`, `param`) that failed its schema;
 * `detail` defaults to `invalid <part>` (an enqueue says `invalid input for job "<name>"`).
 */
export function validationError(
  error: z.ZodError,
  target: string,
  detail?: string,
): JobValidationError {
  const label = LABELS[target] ?? target
  return new JobValidationError(
    detail ?? `invalid ${label}`,
    error.issues.map((issue) => {
      const parts = [...(target === 'json' ? [] : [label]), ...issue.path.map(String)]
      return { path: parts.join('.') || label, message: issue.message }
    }),
  )
}
