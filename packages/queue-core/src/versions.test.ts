import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineJob } from './define-job.js'
import { olderVersion, upcastToCurrent, UpcastError, versionOfJob } from './versions.js'

const handler = async () => ({ default: async () => ({}) })
const base = { name: 'test.v', queue: 'q', output: z.object({}), handler }
const v1 = z.object({ name: z.string() })
const v2 = z.object({ first: z.string(), last: z.string() })
const v3 = z.object({ full: z.object({ first: z.string(), last: z.string() }) })

describe('versions on a definition', () => {
  it('refuses a version without each older one, or older ones without a version', () => {
    expect(() => defineJob({ ...base, input: v3, version: 3, olderVersions: {} })).toThrow(
      'job "test.v" is at version 3: olderVersions must declare exactly 1, 2 (each with its input and an upcaster to the next); missing 1, 2',
    )
    const stray = { 1: olderVersion(v1, (d) => d), 4: olderVersion(v1, (d) => d) }
    expect(() => defineJob({ ...base, input: v2, version: 2, olderVersions: stray })).toThrow(
      /not older than 2: 4/,
    )
    expect(() =>
      defineJob({ ...base, input: v2, olderVersions: { 1: olderVersion(v1, (d) => d) } }),
    ).toThrow('job "test.v" has olderVersions but no version')
    expect(() => defineJob({ ...base, input: v2, version: 1.5 })).toThrow(/integer ≥ 1/)
  })

  it('upcasts step by step, each step parsed by its own version', () => {
    const job = defineJob({
      ...base,
      input: v3,
      version: 3,
      olderVersions: {
        1: olderVersion(v1, ({ name }) => ({
          first: name.split(' ')[0],
          last: name.split(' ')[1],
        })),
        2: olderVersion(v2, (full) => ({ full })),
      },
    })
    expect(upcastToCurrent(job, 1, { name: 'Ada Lovelace' })).toEqual({
      full: { first: 'Ada', last: 'Lovelace' },
    })
    expect(upcastToCurrent(job, 3, { full: 1 })).toEqual({ full: 1 })
    // A version 1 payload without a surname makes no valid version 2: named at version 2.
    expect(() => upcastToCurrent(job, 1, { name: 'Ada' })).toThrow(
      new UpcastError(
        'invalid input of version 2: data.last: Invalid input: expected string, received undefined',
      ),
    )
  })

  it('reads a job’s version from its options: unstamped or malformed is version 1', () => {
    expect(versionOfJob({ jobqVersion: 3 })).toBe(3)
    expect(versionOfJob({})).toBe(1)
    expect(versionOfJob(undefined)).toBe(1)
    expect(versionOfJob({ jobqVersion: '2' })).toBe(1)
  })
})
