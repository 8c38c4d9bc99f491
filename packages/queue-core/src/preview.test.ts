import { describe, expect, it } from 'vitest'
import type { JobView } from './job-view.js'
import { PREVIEW_MAX_CHARS, previewJobView, previewOf } from './preview.js'

describe('previewOf: what a list shows of a big value', () => {
  it('returns a value whose JSON fits as it is, the same object', () => {
    const small = { rows: [1, 2, 3] }
    expect(previewOf(small, 'j1')).toBe(small)
    expect(previewOf(42, 'j1')).toBe(42)
    expect(previewOf(null, 'j1')).toBeNull()
    expect(previewOf(undefined, 'j1')).toBeUndefined()
  })

  it('keeps an object whose JSON is exactly the limit, cuts one a character longer', () => {
    // {"s":"…"} is 8 characters around the string.
    const exact = { s: 'x'.repeat(PREVIEW_MAX_CHARS - 8) }
    expect(JSON.stringify(exact)).toHaveLength(PREVIEW_MAX_CHARS)
    expect(previewOf(exact, 'j1')).toBe(exact)
    const over = { s: 'x'.repeat(PREVIEW_MAX_CHARS - 7) }
    const cut = previewOf(over, 'j1') as string
    expect(cut.startsWith(JSON.stringify(over).slice(0, PREVIEW_MAX_CHARS) + '…')).toBe(true)
    expect(cut).toMatch(
      new RegExp(
        `… \\[jobq preview: ${PREVIEW_MAX_CHARS} of ${PREVIEW_MAX_CHARS + 1} characters; ` +
          `GET /v1/jobs/j1 for the whole job\\]$`,
      ),
    )
  })

  it('measures a string by its own length (not its JSON quotes) before cutting it', () => {
    const fits = 'y'.repeat(PREVIEW_MAX_CHARS)
    expect(previewOf(fits, 'j2')).toBe(fits)
    const long = 'y'.repeat(PREVIEW_MAX_CHARS + 1)
    expect(previewOf(long, 'j2')).toMatch(/^"y+… \[jobq preview: 1024 of 1027 characters;/)
  })
})

describe('previewJobView', () => {
  const view = (data: unknown, result: unknown) => ({ id: 'j3', data, result }) as JobView

  it('returns the same view when nothing needs cutting', () => {
    const small = view({ a: 1 }, { ok: true })
    expect(previewJobView(small)).toBe(small)
  })

  it('cuts data and result separately, leaving the view it was given untouched', () => {
    const big = { s: 'z'.repeat(2 * PREVIEW_MAX_CHARS) }
    const original = view(big, { ok: true })
    const shown = previewJobView(original)
    expect(shown).not.toBe(original)
    expect(shown.data).toMatch(/GET \/v1\/jobs\/j3 for the whole job\]$/)
    expect(shown.result).toEqual({ ok: true })
    expect(original.data).toBe(big)
  })
})
