import { z } from 'zod'

/** Bounds of a whole number; both inclusive. */
export interface WholeNumberBounds {
  min: number
  max: number
  /** What the messages call it. @defaultValue 'a whole number' */
  noun?: string
}

/** Plain decimal digits: `Number()` alone would also take `0x10`, `1e3`, ` 12 ` or `''`. */
const DECIMAL_DIGITS = /^\d{1,15}$/

/**
 * The one parser of whole numbers written as text (env variables, query strings, CLI flags):
 * decimal digits only, within `min`..`max`, answered as a number. Messages read "must be a whole
 * number in decimal digits", "must be at least N", "must be at most N".
 */
export function wholeNumber({ min, max, noun = 'a whole number' }: WholeNumberBounds) {
  return z
    .string()
    .regex(DECIMAL_DIGITS, `must be ${noun} in decimal digits`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
}

/** {@link wholeNumber} for an optional query parameter: absent = `fallback`. */
export const decimalInt = (min: number, max: number, fallback: number) =>
  wholeNumber({ min, max }).default(fallback)

/**
 * Parses one whole number written as text, for callers outside zod (CLI flags): the number, or
 * a `RangeError` whose message is `<what> must be a whole number …, got "<raw>"`.
 */
export function parseWholeNumber(what: string, raw: string, bounds: WholeNumberBounds): number {
  const parsed = wholeNumber(bounds).safeParse(raw)
  if (parsed.success) return parsed.data
  // A flag on its own says what it is: "--limit must be a whole number of at least 1".
  const rule = parsed.error.issues[0]!.message.replace(
    /^must be at/,
    'must be a whole number of at',
  )
  throw new RangeError(`${what} ${rule}, got "${raw}"`)
}
