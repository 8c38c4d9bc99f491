import { describe, expect, it } from 'vitest'
import { decimalInt, parseWholeNumber, wholeNumber } from './integers.js'

describe('wholeNumber: the one parser of whole numbers written as text', () => {
  const port = wholeNumber({ min: 1, max: 65_535 })

  it('takes decimal digits and numbers within the bounds', () => {
    expect(port.parse('8080')).toBe(8080)
    expect(port.parse('007')).toBe(7)
    expect(port.parse('65535')).toBe(65_535)
  })

  it.each(['0x10', '1e3', ' 12', '12 ', '', '-1', '1.5', '+3', 'ten', '٣'])(
    'refuses %j, which Number() would read or half-read',
    (raw) => {
      expect(port.safeParse(raw).error?.issues[0]?.message).toBe(
        'must be a whole number in decimal digits',
      )
    },
  )

  it('names the bound a value breaks', () => {
    expect(port.safeParse('0').error?.issues[0]?.message).toBe('must be at least 1')
    expect(port.safeParse('65536').error?.issues[0]?.message).toBe('must be at most 65535')
    expect(decimalInt(1, 1_000, 50).parse(undefined)).toBe(50)
  })

  it('parseWholeNumber says what was wrong and what it got', () => {
    expect(parseWholeNumber('--limit', '20', { min: 1, max: 1000 })).toBe(20)
    expect(() => parseWholeNumber('--limit', '1e3', { min: 1, max: 1000 })).toThrow(
      '--limit must be a whole number in decimal digits, got "1e3"',
    )
    expect(() => parseWholeNumber('--limit', '0', { min: 1, max: 1000 })).toThrow(
      '--limit must be a whole number of at least 1, got "0"',
    )
  })
})
