import { z } from 'zod'

/** Bounds of a whole number; both inclusive. */
export interface WholeNumberBounds {
  min: number
  max: number
}

/** Plain decimal digits: `Number()` alone would also take `0x10`, `1e3`, ` 12 ` or `''`. */
const DECIMAL_DIGITS = /^\d{1,15}$/

/**
 * The one parser of whole numbers written as text (env variables, query strings, CLI flags):
 * decimal digits only, within `min`..`max`. Numbers pass as they are (a JSON body), checked
 * against the same bounds. Messages read "must be a whole number in decimal digits",
 * "must be at least N", "must be at most N".
 */
export function wholeNumber({ min, max }: WholeNumberBounds) {
  const digitsToNumber = (value: unknown) =>
    typeof value === 'string' && DECIMAL_DIGITS.test(value) ? Number(value) : value
  return z.preprocess(
    digitsToNumber,
    z
      .number({ error: 'must be a whole number in decimal digits' })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`),
  )
}

/**
 * Parses one whole number written as text, for callers outside zod (CLI flags): the number, or
 * a `RangeError` whose message is `<what> must be …, got "<raw>"`.
 */
export function parseWholeNumber(what: string, raw: string, bounds: WholeNumberBounds): number {
  const parsed = wholeNumber(bounds).safeParse(raw)
  if (parsed.success) return parsed.data
  throw new RangeError(`${what} ${parsed.error.issues[0]!.message}, got "${raw}"`)
}
