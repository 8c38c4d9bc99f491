import { describe, expect, it } from 'vitest'
import { check, childrenOf, type CheckInput, type ExpectedJob, type JobRead } from './checker.js'
import type { FaultEvent } from './faults.js'
import type { AckedJob } from './load.js'
import { parseRuns, type Run } from './record.js'

// Each invariant is shown to fail on a planted violation and to pass on the matching clean case:
// a checker that cannot fail would pass every chaos run.

const echo = (id: string, data: unknown = { n: 1 }): ExpectedJob => ({
  id,
  name: 'demo.echo',
  kind: 'echo',
  data,
  attempts: 1,
  expect: 'completed',
  ackAt: 0,
})
const sleepJob = (id: string, message: string, expect: 'completed' | 'failed'): ExpectedJob => ({
  id,
  name: 'demo.sleep',
  kind: 'sleep',
  data: { ms: 10, message },
  attempts: 3,
  expect,
  ackAt: 0,
})
const read = (id: string, state: string, more: Partial<JobRead> = {}): JobRead => ({
  id,
  state,
  data: null,
  result: null,
  failedReason: null,
  attemptsMade: 0,
  ...more,
})
const run = (jobId: string, pid: number, startAt: number, outcome?: Run['outcome']): Run => ({
  jobId,
  attempt: 1,
  pid,
  startAt,
  ...(outcome && { outcome, endAt: startAt + 5 }),
})
const fault = (seq: number, kind: FaultEvent['kind'], pid: number, at: number): FaultEvent => ({
  seq,
  kind,
  at,
  target: kind,
  pid,
  detail: '',
})

function input(more: Partial<CheckInput>): CheckInput {
  return {
    expected: [],
    reads: new Map(),
    runs: new Map(),
    faults: [],
    stops: [],
    stranded: [],
    samples: 0,
    pairs: [],
    answers: new Map(),
    waitedS: 60,
    ...more,
  }
}
const verdict = (results: ReturnType<typeof check>, name: string) => {
  const found = results.find((r) => r.name === name)
  if (!found) throw new Error(`no invariant ${name}`)
  return found
}

describe('final-state', () => {
  it('fails on a lost job and on one still waiting, passes on final ones', () => {
    const results = check(
      input({
        expected: [echo('a'), echo('b'), echo('c')],
        reads: new Map([
          ['a', null],
          ['b', read('b', 'waiting')],
          ['c', read('c', 'completed', { result: { echo: { n: 1 } } })],
        ]),
      }),
    )
    expect(verdict(results, 'final-state').violations.map((v) => [v.jobId, v.detail])).toEqual([
      ['a', 'lost: GET answers 404'],
      ['b', 'still waiting 60 s after the faults'],
    ])
  })
})

describe('right-outcome', () => {
  it('fails a job failed with attempts left, and one completed with the wrong result', () => {
    const results = check(
      input({
        expected: [sleepJob('s', 'x', 'completed'), echo('e', { n: 2 })],
        reads: new Map([
          ['s', read('s', 'failed', { failedReason: 'job stalled more than allowable limit' })],
          ['e', read('e', 'completed', { result: { echo: { n: 3 } } })],
        ]),
        runs: new Map([['s', [run('s', 1, 100), run('s', 2, 200)]]]),
        faults: [fault(1, 'worker-kill9', 2, 210)],
      }),
    )
    const found = verdict(results, 'right-outcome').violations
    expect(found).toHaveLength(2)
    expect(found[0]!.jobId).toBe('s')
    expect(found[0]!.fault).toContain('#1 worker-kill9')
    expect(found[0]!.detail).toMatch(
      /failed with attempts left: .*stalled.*0 failed \+ 2 cut off of 3/,
    )
    expect(found[1]!.detail).toMatch(/expected \{"echo":\{"n":2\}\}/)
  })

  it('passes a failure after every attempt was used, and flags an unreadable reason', () => {
    const results = check(
      input({
        expected: [
          sleepJob('used', 'x', 'completed'),
          sleepJob('f', 'fail:always', 'failed'),
          sleepJob('b', 'fail:always', 'failed'),
        ],
        reads: new Map([
          ['used', read('used', 'failed', { failedReason: 'stalled' })],
          ['f', read('f', 'failed', { failedReason: 'null' })],
          // An always-failing job whose budget ran out after a cut-off start: its own error named.
          [
            'b',
            read('b', 'failed', {
              failedReason:
                'all 3 attempt(s) used: started 3 time(s), interrupted 1 time(s) (crash, lost lock or shutdown); last error: scripted failure on attempt 3',
            }),
          ],
        ]),
        runs: new Map([
          ['used', [run('used', 1, 1), run('used', 2, 2, 'failed'), run('used', 3, 3)]],
        ]),
      }),
    )
    expect(verdict(results, 'right-outcome').violations.map((v) => v.jobId)).toEqual(['f'])
  })

  it('names the outage behind a job failed after its handler completed', () => {
    const results = check(
      input({
        expected: [sleepJob('c', 'x', 'completed')],
        reads: new Map([['c', read('c', 'failed', { failedReason: 'stalled' })]]),
        runs: new Map([['c', [run('c', 1, 98, 'completed'), run('c', 2, 300, 'completed')]]]),
        faults: [
          { ...fault(1, 'redis-kill9', 9, 100), healedAt: 200 },
          fault(2, 'queue-pause', 0, 250),
        ],
      }),
    )
    const [found] = verdict(results, 'right-outcome').violations
    expect(found!.detail).toContain('after its handler completed 2×')
    expect(found!.fault).toContain('#1 redis-kill9')
  })

  it('counts a completion lost in an outage longer than half the lock as a used start', () => {
    // Two failed starts, then one whose completion fell in the outage: all three starts used.
    const runs = new Map([
      ['l', [run('l', 1, 10, 'failed'), run('l', 2, 50, 'failed'), run('l', 3, 98, 'completed')]],
    ])
    const reads = new Map([['l', read('l', 'failed', { failedReason: 'all 3 attempt(s) used' })]])
    const expected = [sleepJob('l', 'x', 'completed')]
    const long = { ...fault(1, 'redis-kill9', 9, 100), healedAt: 100 + 5_000 }
    const allowed = check(input({ expected, reads, runs, faults: [long] }))
    expect(verdict(allowed, 'right-outcome').violations).toEqual([])
    const short = { ...fault(1, 'redis-kill9', 9, 100), healedAt: 200 }
    const flagged = check(input({ expected, reads, runs, faults: [short] }))
    expect(verdict(flagged, 'right-outcome').violations.map((v) => v.jobId)).toEqual(['l'])
  })

  it('counts a completion whose worker was killed -9 right after as a used start', () => {
    const expected = [{ ...sleepJob('k', 'x', 'completed'), attempts: 1 }]
    const reads = new Map([['k', read('k', 'failed', { failedReason: 'all 1 attempt(s) used' })]])
    const runs = new Map([['k', [run('k', 4, 10, 'completed')]]])
    const killed = check(
      input({ expected, reads, runs, faults: [fault(1, 'worker-kill9', 4, 20)] }),
    )
    expect(verdict(killed, 'right-outcome').violations).toEqual([])
    const other = check(input({ expected, reads, runs, faults: [fault(1, 'worker-kill9', 5, 20)] }))
    expect(verdict(other, 'right-outcome').violations.map((v) => v.jobId)).toEqual(['k'])
  })

  it('expects fan-out children by row, poisoned ones failed', () => {
    const rows: AckedJob = {
      id: 'p',
      name: 'demo.rows',
      kind: 'rows',
      data: { rows: [{ a: 1 }, { poison: true }] },
      attempts: 1,
      expect: 'completed',
      poisoned: [1],
      ackAt: 0,
    }
    const [ok, poisoned] = childrenOf(rows)
    const results = check(
      input({
        expected: [rows, ok!, poisoned!],
        reads: new Map([
          [
            'p',
            read('p', 'completed', {
              result: { processed: 1, failed: [{ index: 1, reason: 'row 1 is poisoned' }] },
            }),
          ],
          ['p.c0', read('p.c0', 'completed', { result: { index: 0, columns: 1 } })],
          ['p.c1', read('p.c1', 'completed', { result: { index: 1, columns: 1 } })],
        ]),
      }),
    )
    expect(verdict(results, 'right-outcome').violations.map((v) => v.jobId)).toEqual(['p.c1'])
  })
})

describe('run-bound', () => {
  it('fails a second completion without a kill -9 in the window, names the fault before it', () => {
    const results = check(
      input({
        expected: [echo('d')],
        runs: new Map([['d', [run('d', 3, 100, 'completed'), run('d', 2, 300, 'completed')]]]),
        // A kill -9 of another process than the first completer's explains nothing.
        faults: [fault(1, 'worker-kill9', 1, 106), fault(2, 'redis-kill9', 9, 150)],
      }),
    )
    const found = verdict(results, 'run-bound').violations
    expect(found.map((v) => v.jobId)).toEqual(['d'])
    expect(found[0]!.fault).toContain('#2 redis-kill9')
  })

  it('allows a second completion after an outage longer than half the lock, not after a shorter one', () => {
    const runs = new Map([['o', [run('o', 3, 98, 'completed'), run('o', 2, 9_000, 'completed')]]])
    const long = { ...fault(1, 'redis-kill9', 9, 100), healedAt: 100 + 5_000 }
    const allowed = check(input({ expected: [echo('o')], runs, faults: [long] }))
    expect(verdict(allowed, 'run-bound').violations).toEqual([])
    const short = { ...fault(1, 'redis-kill9', 9, 100), healedAt: 200 }
    const [found] = verdict(
      check(input({ expected: [echo('o')], runs, faults: [short] })),
      'run-bound',
    ).violations
    expect(found!.jobId).toBe('o')
    expect(found!.fault).toContain('#1 redis-kill9')
  })

  it('allows the documented window and fails more handler failures than attempts', () => {
    const results = check(
      input({
        expected: [echo('k'), sleepJob('f', 'fail:always', 'failed')],
        runs: new Map([
          ['k', [run('k', 1, 100, 'completed'), run('k', 2, 300, 'completed')]],
          ['f', [1, 2, 3, 4].map((i) => run('f', i, i * 10, 'failed'))],
        ]),
        faults: [fault(1, 'pool-member-kill9', 1, 106)],
      }),
    )
    expect(verdict(results, 'run-bound').violations).toEqual([
      { jobId: 'f', detail: 'its handler failed 4 times, 3 attempts allowed' },
    ])
  })
})

describe('history-complete', () => {
  const entry = (attempt: number, endedAt: string | null) => ({
    attempt,
    workerId: 'w',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt,
    outcome: endedAt ? ('completed' as const) : ('running' as const),
    reason: null,
  })

  it('skips with a notice when the field is absent', () => {
    const results = check(
      input({ expected: [echo('a')], reads: new Map([['a', read('a', 'completed')]]) }),
    )
    expect(verdict(results, 'history-complete')).toMatchObject({ status: 'skip' })
  })

  it('fails a start missing from the history and an entry left open', () => {
    const results = check(
      input({
        expected: [echo('a'), echo('b'), echo('c')],
        reads: new Map([
          ['a', read('a', 'completed', { history: [entry(1, 'x')] })],
          ['b', read('b', 'completed', { history: [entry(1, null), entry(2, 'x')] })],
          ['c', read('c', 'completed', { history: [entry(1, 'x'), entry(2, 'x')] })],
        ]),
        runs: new Map([
          ['a', [run('a', 1, 1), run('a', 2, 2, 'completed')]],
          ['c', [run('c', 1, 1), run('c', 2, 2, 'completed')]],
        ]),
      }),
    )
    expect(verdict(results, 'history-complete').violations.map((v) => [v.jobId, v.detail])).toEqual(
      [
        ['a', '2 handler starts recorded, 1 history entries'],
        ['b', 'job completed, 1 history entry still open (attempt 1)'],
      ],
    )
  })
})

describe('idempotency, stops, API answers, stranded', () => {
  it('fails each planted violation', () => {
    const a = { pair: 1, side: 'a' }
    const b = { pair: 1, side: 'b' }
    const results = check(
      input({
        pairs: [
          {
            jobId: 'two',
            answers: [
              { data: a, status: 202, created: true },
              { data: b, status: 202, created: true },
            ],
          },
          {
            jobId: 'swap',
            answers: [
              { data: a, status: 202, created: true },
              { data: b, status: 200, created: false },
            ],
          },
          {
            jobId: 'ok',
            answers: [
              { data: a, status: 202, created: true },
              { data: b, status: 0 },
            ],
          },
        ],
        reads: new Map([
          ['swap', read('swap', 'completed', { data: b })],
          ['ok', read('ok', 'completed', { data: a })],
        ]),
        stops: [
          { seq: 1, target: 'worker-0', pid: 5, exitedInMs: null, code: null, deadlineMs: 11_500 },
          { seq: 2, target: 'producer', pid: 6, exitedInMs: 40, code: 1, deadlineMs: 11_500 },
          { seq: 3, target: 'pool', pid: 7, exitedInMs: 40, code: null, deadlineMs: 11_500 },
        ],
        answers: new Map([
          ['202', 10],
          ['503', 2],
          ['no-answer', 1],
          ['500', 3],
          ['timeout', 1],
        ]),
        stranded: [{ jobId: 'z', workerId: 'gone', since: 0, forMs: 12_000 }],
      }),
    )
    expect(verdict(results, 'idempotency').violations.map((v) => v.jobId)).toEqual(['two', 'swap'])
    expect(verdict(results, 'stops-end').violations.map((v) => v.detail)).toEqual([
      '#1 SIGTERM worker-0 pid 5: still running 11500 ms later',
      '#2 SIGTERM producer pid 6: exited 1 after 40 ms',
    ])
    expect(verdict(results, 'api-answers').violations).toHaveLength(2)
    expect(verdict(results, 'not-stranded').status).toBe('fail')
  })
})

describe('parseRuns', () => {
  it('closes the latest open run of the same job in the same process', () => {
    const runs = parseRuns(
      [
        'start j 1 10 100',
        'start j 1 11 150',
        'end j completed 11 160',
        'end x failed 3 1',
        '',
      ].join('\n'),
    )
    expect(runs.get('j')).toEqual([
      { jobId: 'j', attempt: 1, pid: 10, startAt: 100 },
      { jobId: 'j', attempt: 1, pid: 11, startAt: 150, outcome: 'completed', endAt: 160 },
    ])
    expect(runs.get('x')).toEqual([])
  })
})
