import type { JobView } from '../job-view.js'
import { isResultMarker } from '../big-result.js'
import type { JobEvent, WatchEvent } from './job-events.js'

/** Where a watch gets the whole job from, when an event alone cannot tell. */
type ReadJob = () => Promise<JobView>

/**
 * Turns one job's raw events into {@link WatchEvent}s, in the order they came: a `failed` is
 * final only when the job says so (else `retrying`), and a big result's marker becomes the whole
 * result. The one place that decides "is this failure final", for every adapter.
 * `onError` gets a failed read of the job (Redis away); the events after it still flow.
 */
export function watchEvents(
  readJob: ReadJob,
  onEvent: (event: WatchEvent) => void,
  onError: (err: unknown) => void,
): (event: JobEvent) => void {
  // A chain, so an event that needs a read never overtakes the ones behind it.
  let chain = Promise.resolve()
  return (event) => {
    chain = chain.then(() => toWatchEvent(event, readJob).then(onEvent, onError))
  }
}

async function toWatchEvent(event: JobEvent, readJob: ReadJob): Promise<WatchEvent> {
  if (event.type === 'failed') {
    const job = await readJob()
    if (job.state === 'failed') return event
    return { type: 'retrying', reason: event.reason, attemptsMade: job.attemptsMade }
  }
  // A big result travels as a marker (big-result.ts): the watcher gets the whole one.
  if (event.type === 'completed' && isResultMarker(event.result)) {
    return { type: 'completed', result: (await readJob()).result }
  }
  return event
}

/** The final event a job already in a final state stands for, if it is in one. */
export function finalEventOf(job: JobView): WatchEvent | undefined {
  if (job.state === 'completed') return { type: 'completed', result: job.result }
  if (job.state === 'failed') return { type: 'failed', reason: job.failedReason ?? '' }
  return undefined
}
