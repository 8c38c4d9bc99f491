import { describe, expect, it } from 'vitest'
import { attemptsOf, attemptsUsedUp } from './attempt-budget.js'

describe('attemptsUsedUp', () => {
  it('lets every start up to attempts run', () => {
    for (const started of [1, 2, 3]) {
      expect(
        attemptsUsedUp({ attemptsStarted: started, attemptsMade: 0, opts: { attempts: 3 } }),
      ).toBe(undefined)
    }
  })

  it('refuses the start after the last attempt and counts the interrupted ones', () => {
    expect(attemptsUsedUp({ attemptsStarted: 4, attemptsMade: 0, opts: { attempts: 3 } })).toBe(
      'all 3 attempt(s) used: started 3 time(s), interrupted 3 time(s) (crash, lost lock or shutdown)',
    )
    expect(
      attemptsUsedUp({
        attemptsStarted: 4,
        attemptsMade: 1,
        failedReason: 'boom',
        opts: { attempts: 3 },
      }),
    ).toBe(
      'all 3 attempt(s) used: started 3 time(s), interrupted 2 time(s) (crash, lost lock or shutdown); last error: boom',
    )
  })

  it("takes BullMQ's default of one attempt when none is set", () => {
    expect(attemptsOf({ attemptsMade: 0 })).toBe(1)
    expect(attemptsOf({ attemptsMade: 0, opts: { attempts: 0 } })).toBe(1)
    expect(attemptsUsedUp({ attemptsStarted: 1, attemptsMade: 0, opts: {} })).toBe(undefined)
    expect(attemptsUsedUp({ attemptsStarted: 2, attemptsMade: 0, opts: {} })).toMatch(
      /^all 1 attempt/,
    )
  })
})
