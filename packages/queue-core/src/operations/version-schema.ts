import type { z } from 'zod'
import type { AnyJobDefinition } from '../define-job.js'
import { JobValidationError } from '../errors.js'
import { currentVersionOf, inputSchemaOf } from '../versions.js'

/**
 * The input schema of `version` of a job, or, when the job has no such version, the message that
 * names the versions it has (for the `options.version` issue of a 400).
 */
export function versionSchemaOf(definition: AnyJobDefinition, version: number): z.ZodType | string {
  const schema = inputSchemaOf(definition, version)
  if (schema) return schema
  const current = currentVersionOf(definition)
  return current === 1
    ? `job "${definition.name}" has only version 1`
    : `job "${definition.name}" has versions 1 to ${current}, not ${version}`
}

/**
 * The 400 for data an adapter parsed as the current version (`enqueueParsed`) while its options
 * name another: that version's data must go through `enqueue`, which checks it against its own
 * schema.
 */
export function notCurrentVersion(
  definition: AnyJobDefinition,
  version: number,
): JobValidationError {
  const schema = versionSchemaOf(definition, version)
  const message =
    typeof schema === 'string'
      ? schema
      : `data parsed as version ${currentVersionOf(definition)} (use enqueue for version ${version})`
  return new JobValidationError(`invalid input for job "${definition.name}"`, [
    { path: 'options.version', message },
  ])
}
