import { describe, expect, it } from 'vitest'
import { UnrecoverableError } from 'bullmq'
import { PermanentJobError } from './errors.js'
import {
  MAX_FAILURE_REASON_BYTES,
  toFailureReason,
  toJobError,
  truncateUtf8,
} from './failure-reason.js'

describe('toFailureReason', () => {
  it('keeps an ordinary message as it is', () => {
    expect(toFailureReason(new Error('disk full'))).toBe('disk full')
    expect(toFailureReason('boom')).toBe('boom')
  })

  it('names values that are not errors', () => {
    expect(toFailureReason(null)).toBe('threw null (no error given)')
    expect(toFailureReason(undefined)).toBe('threw undefined (no error given)')
    expect(toFailureReason(42)).toBe('threw number: 42')
    expect(toFailureReason(10n)).toBe('threw bigint: 10')
    expect(toFailureReason(Symbol('s'))).toBe('threw symbol: Symbol(s)')
    expect(toFailureReason({ code: 42 })).toBe('threw object: {"code":42}')
    expect(toFailureReason([1, 'a'])).toBe('threw array: [1,"a"]')
  })

  it('survives cycles, BigInts and a toJSON that throws', () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    expect(toFailureReason(cyclic)).toBe('threw object: {"a":1,"self":"[Circular]"}')
    expect(toFailureReason({ n: 1n })).toBe('threw object: {"n":"1n"}')
    const hostile = {
      toJSON: () => {
        throw new Error('no')
      },
    }
    expect(toFailureReason(hostile)).toBe('threw object: {toJSON} (not serializable)')
  })

  it('reads errors with odd messages, causes and aggregates', () => {
    const getter = new Error('x')
    Object.defineProperty(getter, 'message', {
      get() {
        throw new Error('no')
      },
    })
    expect(toFailureReason(getter)).toBe('Error (its message could not be read)')
    const odd = new TypeError()
    ;(odd as { message: unknown }).message = 7
    expect(toFailureReason(odd)).toBe('TypeError with a non-string message: threw number: 7')
    expect(toFailureReason(new RangeError(''))).toBe('RangeError')
    expect(toFailureReason(new Error('outer', { cause: 'inner' }))).toBe('outer (cause: inner)')
    expect(toFailureReason(new AggregateError([new Error('a'), 'b'], 'both'))).toBe('both [a; b]')
    const loop = new Error('loop')
    loop.cause = loop
    expect(toFailureReason(loop)).toBe('loop (cause: loop (cause: loop (cause: loop)))')
  })

  it('caps the reason in UTF-8 bytes, saying how much was cut', () => {
    const reason = toFailureReason(new Error('é'.repeat(1_000_000)))
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(MAX_FAILURE_REASON_BYTES)
    const cut = Number(/\[truncated: (\d+) more bytes\]$/.exec(reason)?.[1])
    const kept = Buffer.byteLength(reason.slice(0, reason.indexOf('…')))
    expect(kept + cut).toBe(2_000_000)
    expect(reason).not.toContain('\uFFFD')
  })

  it('never throws', () => {
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap')
        },
        ownKeys() {
          throw new Error('trap')
        },
        getPrototypeOf() {
          throw new Error('trap')
        },
      },
    )
    expect(typeof toFailureReason(proxy)).toBe('string')
  })
})

describe('toJobError', () => {
  it('passes bounded errors through, keeping their class', () => {
    const err = new PermanentJobError('bad')
    expect(toJobError(err)).toBe(err)
  })

  it('keeps the name BullMQ decides by, and bounds message and stack', () => {
    const big = new PermanentJobError('x'.repeat(100_000))
    const err = toJobError(big)
    expect(err.name).toBe('PermanentJobError')
    expect(Buffer.byteLength(err.message)).toBeLessThanOrEqual(MAX_FAILURE_REASON_BYTES)
    expect(Buffer.byteLength(err.stack ?? '')).toBeLessThanOrEqual(MAX_FAILURE_REASON_BYTES)
    expect(err.stack).toMatch(/\n\s+at /)
    expect(toJobError(null).message).toBe('threw null (no error given)')
  })
})

describe('truncateUtf8', () => {
  it('leaves short text alone', () => {
    expect(truncateUtf8('abc', 10)).toBe('abc')
  })
})

describe('toJobError with detail', () => {
  it('adds a cause to the reason and keeps a permanent failure permanent', () => {
    const err = toJobError(new PermanentJobError('bad input', { cause: new Error('field x') }))
    expect(err.message).toBe('bad input (cause: field x)')
    expect(err.name).toBe('PermanentJobError')
    expect(err).toBeInstanceOf(UnrecoverableError)
  })
})
