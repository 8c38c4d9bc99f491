import { JobValidationError } from '../errors.js'

/** One index entry: a job id and its enqueue time (ms). */
export interface Entry {
  id: string
  score: number
}

/** A search page's cursor: the last entry it examined, opaque (base64url of `<ms>:<id>`). */
export function encodeCursor({ id, score }: Entry): string {
  return Buffer.from(`${score}:${id}`).toString('base64url')
}

/** The entry a cursor names; throws `JobValidationError` for one no search answered. */
export function decodeCursor(cursor: string): Entry {
  const text = Buffer.from(cursor, 'base64url').toString()
  const at = text.indexOf(':')
  const score = Number(text.slice(0, at))
  if (at < 1 || !Number.isSafeInteger(score) || at === text.length - 1) {
    const message = 'not a cursor a search answered'
    throw new JobValidationError(`invalid search: ${message}`, [{ path: 'cursor', message }])
  }
  return { score, id: text.slice(at + 1) }
}
