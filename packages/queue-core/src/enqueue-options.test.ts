import { describe, expect, it } from 'vitest'
import { enqueueOptionsSchema, isValidJobId } from './enqueue-options.js'

describe('job ids and idempotency keys', () => {
  it('takes every id jobq and BullMQ make', () => {
    for (const id of [
      '5b0c2f1e-4f1a-4f7e-9d51-1f0e4a2b3c4d',
      '5b0c2f1e-4f1a-4f7e-9d51-1f0e4a2b3c4d.c12',
      '42',
      'order-42',
      'repeat:jobq.demo.sleep:1796044830000',
      'repeat:jobq.demo.rows:1796044830000.c0.c3',
      'repeat:0f3c9a8e1b2d4c5e6f708192a3b4c5d6:1796044830000',
    ]) {
      expect(isValidJobId(id), id).toBe(true)
    }
  })

  it('refuses ids no generator makes', () => {
    for (const id of ['', ' a', 'a b', 'a\u0000', 'é', 'a:b', 'a/b', 'repeat::1', 'repeat:x:y']) {
      expect(isValidJobId(id), JSON.stringify(id)).toBe(false)
    }
    expect(isValidJobId('x'.repeat(257))).toBe(false)
    expect(isValidJobId('x'.repeat(256))).toBe(true)
  })

  it('takes any visible ASCII as a key, BullMQ key names included, and nothing else', () => {
    const key = (jobId: unknown) => enqueueOptionsSchema.safeParse({ jobId }).success
    for (const ok of ['active', 'repeat', 'order:42', 'a/b', '123', '~!{}', 'x'.repeat(255)]) {
      expect(key(ok), ok).toBe(true)
    }
    for (const bad of ['', 'a b', 'tab\t', 'é', 'x'.repeat(256), 42]) {
      expect(key(bad), JSON.stringify(bad)).toBe(false)
    }
  })
})
