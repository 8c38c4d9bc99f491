import { z } from 'zod'

/**
 * A whole number written in plain decimal digits, as a query string or a CLI flag carries it:
 * `Number()` alone would take `0x10`, `1e3` or ` 7`. Answers the number, between `min` and `max`;
 * absent = `fallback`. The one integer parser of every text input.
 */
export const decimalInt = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,10}$/, 'must be a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback)
