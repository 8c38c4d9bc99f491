import { describe, expect, it } from 'vitest'
import { RecentCancels } from './recent-cancels.js'

describe('RecentCancels', () => {
  it('answers a remembered cancel once, and nothing for another job or after clear()', () => {
    const cancels = new RecentCancels()
    cancels.remember('a')
    cancels.remember('b')
    expect(cancels.take('c')).toBe(false)
    expect(cancels.take('a')).toBe(true)
    expect(cancels.take('a')).toBe(false)
    cancels.clear()
    expect(cancels.take('b')).toBe(false)
  })

  it('forgets a cancel once its time is up', async () => {
    const cancels = new RecentCancels(1)
    cancels.remember('a')
    // Its own expiry timer fires first: timers of equal or shorter delay run in order.
    await new Promise((resolve) => setTimeout(resolve, 1))
    expect(cancels.take('a')).toBe(false)
  })
})
