import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineJob } from './define-job.js'
import { MAX_SEARCH_VALUE_LENGTH, searchValueOf } from './search-fields.js'

const base = {
  name: 'test.searchable',
  queue: 'default',
  output: z.object({}),
  handler: () => Promise.resolve({}),
} as const

describe('search fields', () => {
  it('defineJob refuses a field the input does not declare, a repeated one, a non-object input', () => {
    const input = z.object({ customerId: z.string(), region: z.string() })
    expect(() => defineJob({ ...base, input, search: ['customerId', 'region'] })).not.toThrow()
    // @ts-expect-error: not a key of the input
    expect(() => defineJob({ ...base, input, search: ['customer'] })).toThrow(
      /search field "customer" is not a key of its input \(customerId, region\)/,
    )
    expect(() => defineJob({ ...base, input, search: ['region', 'region'] })).toThrow(/twice/)
    expect(() => defineJob({ ...base, input: z.string(), search: [] })).toThrow(/z\.object/)
  })

  it('defineJob refuses search with group or dedupe (their enqueue paths do not index yet)', () => {
    const input = z.object({ customerId: z.string() })
    const key = (data: { customerId: string }) => data.customerId
    expect(() =>
      defineJob({ ...base, input, search: ['customerId'], group: { key, concurrency: 1 } }),
    ).toThrow(/search with group or dedupe is not built yet/)
    expect(() =>
      defineJob({ ...base, input, search: ['customerId'], dedupe: { key, mode: 'dedupe' } }),
    ).toThrow(/search with group or dedupe is not built yet/)
  })

  it('normalises values: trimmed, lower-cased, bounded; non-scalars are not indexed', () => {
    expect(searchValueOf(' C42 ')).toBe('c42')
    expect(searchValueOf(42)).toBe('42')
    expect(searchValueOf(true)).toBe('true')
    expect(searchValueOf('x'.repeat(500))).toHaveLength(MAX_SEARCH_VALUE_LENGTH)
    for (const value of [null, undefined, {}, ['a'], '  '])
      expect(searchValueOf(value)).toBe(undefined)
  })
})
