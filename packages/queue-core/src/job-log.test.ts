import { describe, expect, it } from 'vitest'
import { cutToBytes, formatLogLine, LOG_LINE_BYTES, parseLogLine } from './job-log.js'

describe('job log lines', () => {
  it('reads back what it stores: time, level, attempt, message and fields', () => {
    const row = formatLogLine(30, 2, [{ rows: 3, err: new Error('boom') }, 'batch %d of %d', 1, 4])
    expect(row).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO #2 batch 1 of 4\t\{/)
    const line = parseLogLine(row)
    expect(line.time).toMatch(/Z$/)
    expect({ ...line, time: undefined }).toEqual({
      time: undefined,
      level: 'info',
      attempt: 2,
      message: 'batch 1 of 4',
      fields: { rows: 3, err: 'boom' },
    })
  })

  it('keeps a message with tabs and newlines whole, without fields', () => {
    const line = parseLogLine(formatLogLine(50, 1, ['a\tb\nc']))
    expect(line).toMatchObject({ level: 'error', message: 'a b\nc' })
    expect(line.fields).toBeUndefined()
  })

  it('serves a line jobq did not write (another job.log) as its message', () => {
    expect(parseLogLine('written by hand')).toEqual({ message: 'written by hand' })
  })

  it('cuts a line at LOG_LINE_BYTES on a character boundary and says how much it dropped', () => {
    const long = 'é'.repeat(LOG_LINE_BYTES) // 2 bytes each
    const cut = cutToBytes(long)
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(LOG_LINE_BYTES)
    expect(cut).not.toContain('\uFFFD')
    const dropped = Number(/\[cut (\d+) bytes\]$/.exec(cut)?.[1])
    const kept = cut.slice(0, cut.indexOf('…'))
    expect(Buffer.byteLength(kept) + dropped).toBe(Buffer.byteLength(long))
    expect(cutToBytes('short')).toBe('short')
  })
})
