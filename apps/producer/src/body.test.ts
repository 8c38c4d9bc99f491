import { describe, expect, it } from 'vitest'
import { jsonDepth, MAX_JSON_DEPTH } from './body.js'

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels)

// The producer refuses a body nested deeper than MAX_JSON_DEPTH before parsing it (400 too-deep);
// this is the count it decides on.
describe('jsonDepth', () => {
  it('counts arrays and objects alike; scalars are depth 0', () => {
    expect(jsonDepth('42')).toBe(0)
    expect(jsonDepth('"text"')).toBe(0)
    expect(jsonDepth('{}')).toBe(1)
    expect(jsonDepth('{"a":[{"b":[]}]}')).toBe(4)
  })

  it('is the deepest point, not the sum of siblings', () => {
    expect(jsonDepth('[[1],[2],[[3]]]')).toBe(3)
    expect(jsonDepth('{"a":{},"b":{},"c":{}}')).toBe(2)
  })

  it('puts the limit exactly at MAX_JSON_DEPTH: that deep passes, one more does not', () => {
    expect(jsonDepth(nested(MAX_JSON_DEPTH))).toBe(MAX_JSON_DEPTH)
    expect(jsonDepth(nested(MAX_JSON_DEPTH))).not.toBeGreaterThan(MAX_JSON_DEPTH)
    expect(jsonDepth(nested(MAX_JSON_DEPTH + 1))).toBeGreaterThan(MAX_JSON_DEPTH)
  })

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepth('{"s":"[[[[{{{{"}')).toBe(1)
    expect(jsonDepth('["a \\" [[[ still a string"]')).toBe(1)
    expect(jsonDepth('["ends with a backslash \\\\", [1]]')).toBe(2)
  })

  it('counts a million levels without overflowing the stack (one pass, no recursion)', () => {
    expect(jsonDepth(nested(1_000_000))).toBe(1_000_000)
  })
})
