import { isDeepStrictEqual } from 'node:util'
import type { FaultEvent, StopWatch } from './faults.js'
import type { AckedJob, IdempotencyPair } from './load.js'
import type { Run } from './record.js'
import type { Stranded } from './watch.js'
import { completionLost, describe, duplicateCause, faultOfRuns, iso } from './attribution.js'

/** One entry of a job's attempt history (GET /v1/jobs/:id `history`), one per start. */
interface HistoryEntry {
  attempt: number
  workerId: string
  startedAt: string
  endedAt: string | null
  outcome: 'running' | 'completed' | 'failed' | 'interrupted' | 'handed-back'
  reason: string | null
}

/** What the checker reads of GET /v1/jobs/:id. */
export interface JobRead {
  id: string
  state: string
  data: unknown
  result: unknown
  failedReason: string | null
  attemptsMade: number
  history?: HistoryEntry[]
}

/** A job the run must see finish: an acknowledged one, or a fan-out child of one. */
export interface ExpectedJob extends Omit<AckedJob, 'name' | 'kind'> {
  name: string
  kind: AckedJob['kind'] | 'row'
}

/** Everything the checker judges. `reads`: null = 404 (the job is gone). */
export interface CheckInput {
  expected: ExpectedJob[]
  reads: Map<string, JobRead | null>
  runs: Map<string, Run[]>
  faults: FaultEvent[]
  stops: StopWatch[]
  stranded: Stranded[]
  /** Samples of the active jobs the stranded watch took (while the API answered). */
  samples: number
  pairs: IdempotencyPair[]
  answers: Map<string, number>
  /** Seconds from the end of the faults to the read (for the message of a job still running). */
  waitedS: number
}

/** One broken promise: which job (if one), what, and the likely fault. */
interface Violation {
  jobId?: string
  detail: string
  /** The fault that likely caused it: `#seq kind target` (from the fault log). */
  fault?: string
}

/** The verdict on one invariant. */
export interface InvariantResult {
  name: string
  /** What it promises, in one line. */
  promise: string
  status: 'pass' | 'fail' | 'skip'
  checked: number
  violations: Violation[]
  note?: string
}

const FINAL = new Set(['completed', 'failed'])

/** The fan-out children an acknowledged `demo.rows` job makes (ids `<parent>.c<index>`). */
export function childrenOf(job: AckedJob): ExpectedJob[] {
  if (job.name !== 'demo.rows') return []
  const { rows } = job.data as { rows: Record<string, unknown>[] }
  return rows.map((row, index) => ({
    id: `${job.id}.c${index}`,
    name: 'demo.row',
    kind: 'row',
    data: { index, row },
    attempts: 3, // demo.row's definition
    expect: job.poisoned?.includes(index) ? 'failed' : 'completed',
    ackAt: job.ackAt,
  }))
}

/** Runs every invariant. */
export function check(input: CheckInput): InvariantResult[] {
  return [
    finalState(input),
    rightOutcome(input),
    notStranded(input),
    runBound(input),
    historyComplete(input),
    idempotency(input),
    stopsEnd(input),
    apiAnswers(input),
  ]
}

function result(
  name: string,
  promise: string,
  checked: number,
  violations: Violation[],
): InvariantResult {
  return { name, promise, status: violations.length ? 'fail' : 'pass', checked, violations }
}

function finalState({ expected, reads, waitedS }: CheckInput): InvariantResult {
  const violations: Violation[] = []
  for (const job of expected) {
    const read = reads.get(job.id)
    if (read === null) violations.push({ jobId: job.id, detail: 'lost: GET answers 404' })
    else if (!read) violations.push({ jobId: job.id, detail: 'never read' })
    else if (!FINAL.has(read.state)) {
      violations.push({
        jobId: job.id,
        detail: `still ${read.state} ${waitedS} s after the faults`,
      })
    }
  }
  return result(
    'final-state',
    'every acknowledged job (and fan-out child) ends completed or failed',
    expected.length,
    violations,
  )
}

/** Handler runs that ended with the handler's own outcome, and runs cut off. */
function tally(runs: readonly Run[]) {
  const own = runs.filter((r) => r.outcome === 'completed' || r.outcome === 'failed')
  const cut = runs.filter((r) => r.outcome === undefined || r.outcome === 'aborted')
  return {
    completed: own.filter((r) => r.outcome === 'completed'),
    failed: own.filter((r) => r.outcome === 'failed'),
    cut,
  }
}

function rightOutcome(input: CheckInput): InvariantResult {
  const violations: Violation[] = []
  for (const job of input.expected) {
    const read = input.reads.get(job.id)
    if (!read || !FINAL.has(read.state)) continue
    const runs = input.runs.get(job.id) ?? []
    const wrong = outcomeProblem(job, read, runs, input.faults)
    if (wrong) {
      violations.push({
        jobId: job.id,
        detail: wrong,
        fault: describe(faultOfRuns(input.faults, runs)),
      })
    }
  }
  return result(
    'right-outcome',
    'a job fails only when its handler failed (or was cut off) on every attempt it had; a completed job holds its handler’s result',
    input.expected.length,
    violations,
  )
}

function outcomeProblem(
  job: ExpectedJob,
  read: JobRead,
  runs: readonly Run[],
  faults: readonly FaultEvent[],
): string | undefined {
  const { completed, failed, cut } = tally(runs)
  const reason = JSON.stringify(read.failedReason)
  if (read.state === 'failed') {
    if (job.expect === 'failed') {
      return isScripted(job, read.failedReason) ? undefined : `failed with reason ${reason}`
    }
    // A failure by crash counts only if every attempt it had was used up, one way or another:
    // a completion lost in a documented window (kill -9 after it, a long Redis outage) is a start.
    const lost = completed.filter((run) =>
      completionLost(faults, run, runs.find((r) => r.startAt > run.startAt)?.startAt),
    )
    const used = failed.length + cut.length + lost.length
    if (used >= job.attempts) return undefined
    const done = completed.length ? `, after its handler completed ${completed.length}×` : ''
    return `failed with attempts left${done}: ${reason}, handler runs: ${failed.length} failed + ${cut.length} cut off of ${job.attempts} allowed (attemptsMade ${read.attemptsMade})`
  }
  if (job.expect === 'failed') return 'completed although its handler fails on every attempt'
  const expected = expectedResult(job)
  if (expected !== undefined && !isDeepStrictEqual(ownErrors(read.result), expected)) {
    return `completed with result ${JSON.stringify(read.result)}, expected ${JSON.stringify(expected)}`
  }
  return undefined
}

function isScripted(job: ExpectedJob, reason: string | null): boolean {
  const own = ownError(reason)
  if (job.kind === 'row') return own === `row ${(job.data as { index: number }).index} is poisoned`
  return /^scripted failure on attempt \d+$/.test(own ?? '')
}

/**
 * A failure reason without the attempt budget's wrapping (attempt-budget.ts: when a start was cut
 * off, the job fails on its budget and names its handler's last error).
 */
function ownError(reason: string | null): string | null {
  return reason?.replace(/^all \d+ attempt\(s\) used: .*?; last error: /, '') ?? null
}

/** A fan-out result's failure reasons without the attempt budget's wrapping ({@link ownError}). */
function ownErrors(result: unknown): unknown {
  const failed = (result as { failed?: { index: number; reason: string }[] } | null)?.failed
  if (!Array.isArray(failed)) return result
  return {
    ...(result as object),
    failed: failed.map((f) => ({ ...f, reason: ownError(f.reason) })),
  }
}

function expectedResult(job: ExpectedJob): unknown {
  switch (job.name) {
    case 'demo.echo':
      return job.data === undefined ? undefined : { echo: job.data }
    case 'demo.sleep':
      return job.data
        ? {
            sleptMs: (job.data as { ms: number }).ms,
            message: (job.data as { message: string }).message,
          }
        : undefined
    case 'demo.row': {
      const { index, row } = job.data as { index: number; row: object }
      return { index, columns: Object.keys(row).length }
    }
    case 'demo.rows': {
      const { rows } = job.data as { rows: unknown[] }
      const poisoned = job.poisoned ?? []
      return {
        processed: rows.length - poisoned.length,
        failed: poisoned.map((index) => ({ index, reason: `row ${index} is poisoned` })),
      }
    }
    default:
      return undefined
  }
}

function notStranded({ stranded, samples }: CheckInput): InvariantResult {
  return result(
    'not-stranded',
    'no job stays active under a worker that is gone, longer than the stalled check allows',
    samples,
    stranded.map((s) => ({
      jobId: s.jobId,
      detail: `active for ${(s.forMs / 1_000).toFixed(1)} s under ${s.workerId ?? 'no worker'}, which is not live`,
    })),
  )
}

/**
 * The at-least-once bound jobq documents: a handler runs again only when a run was cut off (a
 * crash, a lost lock, a shutdown that handed the job back). So no job completes twice unless the
 * process of its first completion was killed -9 before BullMQ recorded it (the window the docs
 * name), and no job's handler fails more often than its attempts allow.
 */
function runBound(input: CheckInput): InvariantResult {
  const violations: Violation[] = []
  for (const job of input.expected) {
    const runs = input.runs.get(job.id) ?? []
    const { completed, failed } = tally(runs)
    for (const extra of completed.slice(1)) {
      const first = completed[0]!
      const cause = duplicateCause(input.faults, first, extra)
      if (cause.documented) continue
      violations.push({
        jobId: job.id,
        detail: `completed twice: by pid ${first.pid} at ${iso(first.endAt)}, again by pid ${extra.pid} started ${iso(extra.startAt)}${cause.why ? ` (${cause.why})` : ''}`,
        fault: describe(cause.fault),
      })
    }
    if (failed.length > job.attempts) {
      violations.push({
        jobId: job.id,
        detail: `its handler failed ${failed.length} times, ${job.attempts} attempts allowed`,
      })
    }
  }
  return result(
    'run-bound',
    'no job ran more often than at-least-once allows (no second completion without a kill -9 in the window; failures ≤ attempts)',
    input.expected.length,
    violations,
  )
}

function historyComplete(input: CheckInput): InvariantResult {
  const name = 'history-complete'
  const promise =
    'every handler start is an entry of GET /v1/jobs/:id history, closed once the job is final'
  const withHistory = [...input.reads.values()].filter((read) => read?.history !== undefined)
  if (withHistory.length === 0) {
    return {
      name,
      promise,
      status: 'skip',
      checked: 0,
      violations: [],
      note: 'GET /v1/jobs/:id has no `history` field on this build: skipped (it runs once the attempt-history change is merged)',
    }
  }
  const violations: Violation[] = []
  for (const job of input.expected) {
    const read = input.reads.get(job.id)
    if (!read || !FINAL.has(read.state)) continue
    const history = read.history ?? []
    const starts = (input.runs.get(job.id) ?? []).length
    if (starts > history.length) {
      violations.push({
        jobId: job.id,
        detail: `${starts} handler starts recorded, ${history.length} history entries`,
      })
    }
    const open = history.filter((h) => h.endedAt === null || h.outcome === 'running')
    if (open.length) {
      violations.push({
        jobId: job.id,
        detail: `job ${read.state}, ${open.length} history entr${open.length > 1 ? 'ies' : 'y'} still open (attempt ${open.map((h) => h.attempt).join(', ')})`,
      })
    }
  }
  return result(name, promise, input.expected.length, violations)
}

function idempotency({ pairs, reads }: CheckInput): InvariantResult {
  const violations: Violation[] = []
  for (const pair of pairs) {
    const answered = pair.answers.filter((a) => a.status >= 200 && a.status < 300)
    const created = answered.filter((a) => a.created === true)
    if (created.length > 1) {
      violations.push({
        jobId: pair.jobId,
        detail: 'both concurrent enqueues were told created: true',
      })
    } else if (created.length === 1) {
      const read = reads.get(pair.jobId)
      if (read && !isDeepStrictEqual(read.data, created[0]!.data)) {
        violations.push({
          jobId: pair.jobId,
          detail: `told created with ${JSON.stringify(created[0]!.data)}, the job holds ${JSON.stringify(read.data)}`,
        })
      }
    } else if (answered.length === 2) {
      violations.push({
        jobId: pair.jobId,
        detail: 'both answered, neither was told created: true',
      })
    }
  }
  return result(
    'idempotency',
    'of two concurrent enqueues with one jobId, exactly one is told created, and the job holds its payload',
    // Pairs neither of whose requests was answered (Redis or the producer down) prove nothing.
    pairs.filter((pair) => pair.answers.some((a) => a.status >= 200 && a.status < 300)).length,
    violations,
  )
}

/** The worker's documented exit code for a stop Redis could not confirm (apps/worker exit-codes.ts). */
const FORCED_EXIT = 3

function stopsEnd({ stops }: CheckInput): InvariantResult {
  const violations: Violation[] = []
  for (const stop of stops) {
    const where = `#${stop.seq} SIGTERM ${stop.target} pid ${stop.pid}`
    if (stop.exitedInMs === null) {
      violations.push({ detail: `${where}: still running ${stop.deadlineMs} ms later` })
    } else if (typeof stop.code === 'string') {
      // Killed by the signal itself: no handler was installed yet (a SIGTERM during boot).
      violations.push({
        detail: `${where}: died of ${stop.code} itself after ${stop.exitedInMs} ms (no handler yet), not a clean exit`,
      })
    } else if (stop.code !== null && stop.code !== 0 && stop.code !== FORCED_EXIT) {
      violations.push({ detail: `${where}: exited ${stop.code} after ${stop.exitedInMs} ms` })
    }
  }
  return result(
    'stops-end',
    'every SIGTERM ends its process within the grace period + 10 s, with exit code 0 (or 3: Redis could not confirm the hand-back)',
    stops.length,
    violations,
  )
}

function apiAnswers({ answers }: CheckInput): InvariantResult {
  const ok = (key: string) => /^2\d\d$/.test(key) || key === '503' || key === 'no-answer'
  const violations = [...answers]
    .filter(([key]) => !ok(key))
    .map(([key, n]) => ({
      detail: `${n} enqueue request(s) answered ${key === 'timeout' ? 'nothing within 10 s (a hang)' : key}`,
    }))
  return result(
    'api-answers',
    'an enqueue is answered 2xx, or 503 while Redis is away (never a 5xx of another kind, never a hang); a stopped producer refuses connections',
    [...answers.values()].reduce((a, b) => a + b, 0),
    violations,
  )
}
