import { describe, expect, it } from 'vitest'
import { checkSchedulePolicy, ticksSince } from './schedule-policy.js'

describe('schedule policies', () => {
  it('refuses a catch-up outside 1..100 and unknown words', () => {
    for (const bad of [{ catchUp: 0 }, { catchUp: 101 }, { catchUp: 1.5 }, 'always', {}]) {
      expect(() => checkSchedulePolicy('a.b', { missed: bad })).toThrow(/schedule\.missed/)
    }
    expect(() => checkSchedulePolicy('a.b', { overlap: 'never' })).toThrow(/schedule\.overlap/)
    for (const missed of ['skip', 'once', { catchUp: 1 }, { catchUp: 100 }, undefined]) {
      expect(() => checkSchedulePolicy('a.b', { missed, overlap: 'queue' })).not.toThrow()
    }
  })

  const everySecond = { pattern: '* * * * * *', tz: 'UTC' }
  const t0 = Date.UTC(2026, 0, 1, 0, 0, 0)

  it('counts the ticks after a late one and keeps the most recent', () => {
    expect(ticksSince(everySecond, t0, t0 + 3_500, 2)).toEqual({
      ticks: [t0 + 2_000, t0 + 3_000],
      count: 3,
    })
    expect(ticksSince(everySecond, t0, t0 + 999, 2)).toEqual({ ticks: [], count: 0 })
  })

  it('finds the most recent ticks after an outage longer than the count bound', () => {
    // 5 hours of an every-second schedule: 18,000 ticks, more than the 10,000 counted.
    const now = t0 + 5 * 3_600_000 + 500
    const { ticks, count } = ticksSince(everySecond, t0, now, 3)
    expect(ticks).toEqual([now - 2_500, now - 1_500, now - 500])
    expect(count).toBe(10_000)
  })
})
