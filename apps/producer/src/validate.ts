import type { z } from 'zod'
import { JobValidationError } from '@jobq/queue-core'

/** Parses `value` with `schema` or throws a 400-mapped error naming each issue under `label`. */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  label: string,
): z.output<T> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw new JobValidationError(
    `invalid ${label}`,
    result.error.issues.map((issue) => ({
      path: [label, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  )
}
