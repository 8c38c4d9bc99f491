import type { Job } from 'bullmq'
import { attemptsOf, giveBackStart, startsNotCharged } from '../attempt-budget.js'
import { OUTCOME_LOST_REASON, readHistory } from '../attempt-history.js'
import type { AttemptHooks } from './jobq-worker.js'
import type { WorkerRuntime } from './runtime.js'

/**
 * Settles a start that is over its job's attempts, before the handler would be refused: gives back
 * the earlier starts the job is not to blame for (attempt-budget.ts: begun by no worker, or their
 * outcome refused by Redis), and lets this start run if that leaves it within `attempts`, with a
 * `running` entry of its own. Otherwise changes nothing and the start is refused as before.
 *
 * Called by the lock holder for starts over budget only (rare), so the hot path reads nothing.
 * The 'active' event has already closed the cut-off entry of the start before (`refused`): the
 * history is flushed first so the read sees it.
 */
async function settleOverBudgetStart(
  job: Job,
  runtime: Pick<WorkerRuntime, 'connection' | 'history'>,
): Promise<void> {
  const { connection, history } = runtime
  await history.flush()
  const jobKey = `${job.queueQualifiedName}:${job.id}`
  const earlier = job.attemptsStarted - 1
  const notCharged = startsNotCharged(earlier, await readHistory(connection, jobKey))
  if (notCharged === 0 || earlier - notCharged >= attemptsOf(job)) return
  await giveBackStart(connection, jobKey, -notCharged)
  job.attemptsStarted -= notCharged
  history.started(job)
}

/** The runtime's {@link AttemptHooks} for its BullMQ workers. */
export function attemptHooksOf(
  runtime: Pick<WorkerRuntime, 'connection' | 'history'>,
): AttemptHooks {
  return {
    settleOverBudget: (job) => settleOverBudgetStart(job, runtime),
    outcomeLost: (job) => runtime.history.ended(job, 'interrupted', OUTCOME_LOST_REASON),
  }
}
