import type { z } from 'zod'
import { JobValidationError } from '../errors.js'
import { toIssues } from '../validation.js'

/**
 * Parses an operation's input with its contract, so every adapter (HTTP, CLI, client) meets the
 * same rules and the same errors: throws {@link JobValidationError} (400 `validation`, CLI exit 2)
 * naming every invalid field.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(input)
  if (!parsed.success) throw new JobValidationError(`invalid ${what}`, toIssues(parsed.error))
  return parsed.data
}
