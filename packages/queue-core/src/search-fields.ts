import { z } from 'zod'

/**
 * Input fields a job declares searchable (`search: ['customerId', 'region']`): keys of its parsed
 * input. Each is indexed at enqueue (`operations/search-index.ts`).
 */
export type SearchFields<Input> = readonly (keyof Input & string)[]

/** Longest indexed value, in characters: a longer one is cut to this before it is indexed. */
export const MAX_SEARCH_VALUE_LENGTH = 128

/**
 * A field's value as the index holds it: strings, numbers and booleans, trimmed, lower-cased and
 * cut to {@link MAX_SEARCH_VALUE_LENGTH}; `undefined` for anything else (null, objects, arrays,
 * empty strings), which is not indexed. The same function normalises a search's filter, so
 * `customerId=C42` finds `c42`.
 */
export function searchValueOf(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    return undefined
  }
  const text = String(value).trim().toLowerCase().slice(0, MAX_SEARCH_VALUE_LENGTH)
  return text === '' ? undefined : text
}

/**
 * Refuses `search` fields the input does not declare: the input must be a `z.object` and each
 * field one of its keys, listed once. Throws a TypeError naming the job and the field.
 */
export function checkSearch(name: string, input: z.ZodType, search: readonly string[] | undefined) {
  if (search === undefined) return
  if (!(input instanceof z.ZodObject)) {
    throw new TypeError(`job "${name}": search needs an input that is a z.object`)
  }
  const keys = Object.keys(input.shape)
  for (const field of search) {
    if (!keys.includes(field)) {
      throw new TypeError(
        `job "${name}": search field "${field}" is not a key of its input (${keys.join(', ')})`,
      )
    }
    if (field.includes(':')) throw new TypeError(`job "${name}": search field "${field}" has ':'`)
  }
  if (new Set(search).size !== search.length) {
    throw new TypeError(`job "${name}": search lists a field twice`)
  }
}
