import type { z } from 'zod'
import type { ValidationIssue } from './errors.js'

/** Flattens zod issues into `{ path, message }` pairs, with the path prefixed (e.g. `data`). */
export function toIssues(error: z.ZodError, prefix?: string): ValidationIssue[] {
  return error.issues.map((issue) => {
    const parts = [...(prefix ? [prefix] : []), ...issue.path.map(String)]
    return { path: parts.join('.') || '(root)', message: issue.message }
  })
}
