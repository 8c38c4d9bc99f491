import type { AnyJobDefinition } from '../define-job.js'
import { enqueueOptionsSchema, type EnqueueOptions } from '../enqueue-options.js'
import { JobValidationError, type ValidationIssue } from '../errors.js'
import { toIssues } from '../validation.js'
import { versionSchemaOf } from './version-schema.js'

/** One item of an enqueue: the job's input and its enqueue options, both unchecked. */
export interface BulkItem {
  data: unknown
  options?: unknown
}

/** An item once checked: its parsed input and options. */
export interface ValidItem {
  data: unknown
  options: EnqueueOptions
}

/** What validating absent options gives: no options. */
const NO_OPTIONS = { success: true, data: {} as EnqueueOptions } as const

/**
 * Validates items against a job's input schema and the enqueue options. Every issue of every
 * item is collected (paths like `items.3.data.ms` for bulk) before {@link JobValidationError}
 * is thrown, so nothing is enqueued when any item is wrong.
 */
export function validateItems(
  definition: AnyJobDefinition,
  items: readonly BulkItem[],
): ValidItem[] {
  const issues: ValidationIssue[] = []
  let last: { item: BulkItem; checked: ValidItem } | undefined
  const valid = items.map((item, index) => {
    // An item with the very payload of the one before (a `{ count, data }` request repeats one)
    // is checked once, not `count` times, and its problems are named once.
    if (last && item.data === last.item.data && item.options === last.item.options) {
      return last.checked
    }
    const at = items.length === 1 && index === 0 ? '' : `items.${index}.`
    // Most items carry no options: no need to parse an empty object 10,000 times.
    const options =
      item.options === undefined ? NO_OPTIONS : enqueueOptionsSchema.safeParse(item.options)
    if (!options.success) issues.push(...toIssues(options.error, `${at}options`))
    // `data` is checked against the version it says it is in (versions.ts), else the current one.
    const version = options.data?.version
    const schema = version === undefined ? definition.input : versionSchemaOf(definition, version)
    if (typeof schema === 'string') issues.push({ path: `${at}options.version`, message: schema })
    const input =
      typeof schema === 'string' ? { success: true as const } : schema.safeParse(item.data)
    if (!input.success) issues.push(...toIssues(input.error, `${at}data`))
    last = {
      item,
      checked: { data: 'data' in input ? input.data : item.data, options: options.data ?? {} },
    }
    return last.checked
  })
  if (issues.length) {
    throw new JobValidationError(`invalid input for job "${definition.name}"`, issues)
  }
  return valid
}
