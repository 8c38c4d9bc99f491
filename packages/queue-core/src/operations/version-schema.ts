import type { z } from 'zod'
import type { AnyJobDefinition } from '../define-job.js'
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
