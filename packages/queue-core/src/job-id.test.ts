import { describe, expect, it } from 'vitest'
import { hintOf, newJobId, queueHint } from './job-id.js'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('job ids', () => {
  it('are version 4 UUIDs ending with their queue hint, and all different', () => {
    const ids = Array.from({ length: 1_000 }, () => newJobId('emails'))
    for (const id of ids) {
      expect(id).toMatch(UUID_V4)
      expect(hintOf(id)).toBe(queueHint('emails'))
    }
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('hint at the queue: four hex digits, the same for one name, spread over names', () => {
    const names = Array.from({ length: 200 }, (_, i) => `queue-${i}`)
    const hints = names.map(queueHint)
    for (const hint of hints) expect(hint).toMatch(/^[0-9a-f]{4}$/)
    expect(names.map(queueHint)).toEqual(hints)
    expect(new Set(hints).size).toBeGreaterThan(195)
  })

  it('read no hint from ids jobq did not make', () => {
    for (const id of ['42', 'repeat:jobq.x:1700000000000', 'my-own-id', `${newJobId('a')}.c1`]) {
      expect(hintOf(id)).toBeUndefined()
    }
    expect(hintOf('0B2C9E6A-1F3D-4E5F-9A8B-7C6D5E4F3A2B')).toBeUndefined()
  })
})
