import { describe, expect, it } from 'vitest'
import { attemptsOf, attemptsUsedUp, startsNotCharged } from './attempt-budget.js'
import { type AttemptEntry, INTERRUPTED_REASON, OUTCOME_LOST_REASON } from './attempt-history.js'

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

describe('startsNotCharged', () => {
  const entry = (outcome: AttemptEntry['outcome'], reason: string | null = null): AttemptEntry => ({
    attempt: 0,
    workerId: 'w',
    startedAt: '2026-11-30T00:00:00.000Z',
    endedAt: null,
    outcome,
    reason,
  })

  it('charges every start a worker began, whatever ended it', () => {
    const begun = [
      entry('failed', 'boom'),
      entry('interrupted', INTERRUPTED_REASON),
      entry('handed-back'),
    ]
    expect(startsNotCharged(3, begun)).toBe(0)
  })

  it('gives back starts without an entry and starts whose outcome Redis refused', () => {
    expect(startsNotCharged(1, [])).toBe(1)
    expect(startsNotCharged(3, [entry('failed', 'boom')])).toBe(2)
    expect(startsNotCharged(2, [entry('interrupted', OUTCOME_LOST_REASON), entry('failed')])).toBe(
      1,
    )
  })

  it('does not count a park as a start (its start was given back when it parked)', () => {
    expect(
      startsNotCharged(1, [entry('waiting-children'), entry('interrupted', INTERRUPTED_REASON)]),
    ).toBe(0)
    expect(startsNotCharged(2, [entry('waiting-children'), entry('failed')])).toBe(1)
  })
})
