import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { bullDedupeOf, dedupeKeyOf, type JobDedupe } from './dedupe.js'
import { defineJob } from './define-job.js'

const input = z.object({ key: z.string() })
const define = (dedupe: unknown) => () =>
  defineJob({
    name: 'test.folded',
    queue: 'q',
    input,
    output: z.object({}),
    dedupe: dedupe as JobDedupe<{ key: string }>,
    handler: async () => ({}),
  })
const key = (data: { key: string }) => data.key

describe('dedupe on a job definition', () => {
  it.each([
    [
      { key, mode: 'throttle', ttlMs: 0 },
      /dedupe.ttlMs must be a positive whole number of ms, not 0/,
    ],
    [{ key, mode: 'debounce', ttlMs: -5 }, /not -5/],
    [{ key, mode: 'dedupe', ttlMs: 1.5 }, /not 1.5/],
    [{ key, mode: 'throttle', ttlMs: Number.POSITIVE_INFINITY }, /not null/],
    [{ key, mode: 'dedupe', ttlMs: '100' }, /not "100"/],
    [{ key, mode: 'debounce' }, /ttlMs is required by mode "debounce"/],
    [{ key, mode: 'throttle' }, /ttlMs is required by mode "throttle"/],
    [
      { key, mode: 'delay', ttlMs: 100 },
      /mode must be one of dedupe, throttle, debounce, not "delay"/,
    ],
    [{ key, ttlMs: 100 }, /mode must be one of .*, not undefined/],
    [{ key: 'key', mode: 'dedupe' }, /dedupe.key must be a function of the input/],
  ])('refuses %o with a TypeError naming the job', (dedupe, message) => {
    expect(define(dedupe)).toThrow(TypeError)
    expect(define(dedupe)).toThrow(/job "test.folded": /)
    expect(define(dedupe)).toThrow(message)
  })

  it('accepts each mode, dedupe without a window', () => {
    for (const dedupe of [
      { key, mode: 'dedupe' },
      { key, mode: 'dedupe', ttlMs: 1 },
      { key, mode: 'throttle', ttlMs: 60_000 },
      { key, mode: 'debounce', ttlMs: 250 },
    ]) {
      expect(define(dedupe)().dedupe).toEqual(dedupe)
    }
  })

  it('namespaces the key by the job and refuses an empty, long or failing key', () => {
    const dedupe = { key, mode: 'dedupe' } as JobDedupe
    expect(dedupeKeyOf('a.b', dedupe, { key: 'k1' })).toEqual({ id: 'a.b:k1' })
    expect(dedupeKeyOf('a.c', dedupe, { key: 'k1' })).toEqual({ id: 'a.c:k1' })
    expect(dedupeKeyOf('a.b', dedupe, { key: '' })).toEqual({
      problem: 'the dedupe key must be a string of 1-512 characters',
    })
    expect(dedupeKeyOf('a.b', dedupe, { key: 'x'.repeat(513) })).toHaveProperty('problem')
    const throwing = {
      ...dedupe,
      key: () => {
        throw new Error('no tenant')
      },
    } as JobDedupe
    expect(dedupeKeyOf('a.b', throwing, {})).toEqual({
      problem: 'the dedupe key of this input failed: no tenant',
    })
  })

  it("maps each mode onto BullMQ's deduplication option", () => {
    const of = (dedupe: object) => bullDedupeOf({ key, ...dedupe } as JobDedupe, 'a.b:k')
    expect(of({ mode: 'dedupe' })).toEqual({ deduplication: { id: 'a.b:k' } })
    expect(of({ mode: 'dedupe', ttlMs: 50 })).toEqual({ deduplication: { id: 'a.b:k', ttl: 50 } })
    expect(of({ mode: 'throttle', ttlMs: 50 })).toEqual({ deduplication: { id: 'a.b:k', ttl: 50 } })
    expect(of({ mode: 'debounce', ttlMs: 50 })).toEqual({
      deduplication: { id: 'a.b:k', ttl: 50, extend: true, replace: true },
      delay: 50,
    })
  })
})
