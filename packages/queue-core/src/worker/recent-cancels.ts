/**
 * How long a worker remembers a cancel for a job it does not run. The producer publishes a
 * cancel once it reads the job active in Redis, but the worker that took it may not have
 * registered its run yet: the `moveToActive` reply and the cancel message come on two
 * connections, in either order (apps/worker's runtime test saw the message 1 ms before the run,
 * about one run in two, once the worker ran its BullMQ workers last). 5 s covers a loaded process.
 */
const RECENT_CANCEL_MS = 5_000

/**
 * The cancels this worker heard for jobs it did not run at the time, each kept for `rememberMs`:
 * a run that starts within that time is cancelled before its handler runs.
 */
export class RecentCancels {
  readonly #timers = new Map<string, NodeJS.Timeout>()

  constructor(private readonly rememberMs = RECENT_CANCEL_MS) {}

  /** Remembers a cancel of `jobId` (again: for `rememberMs` from now). */
  remember(jobId: string): void {
    clearTimeout(this.#timers.get(jobId))
    const timer = setTimeout(() => this.#timers.delete(jobId), this.rememberMs)
    timer.unref()
    this.#timers.set(jobId, timer)
  }

  /** True, once, when a cancel of `jobId` was heard within `rememberMs`. */
  take(jobId: string): boolean {
    const timer = this.#timers.get(jobId)
    if (timer === undefined) return false
    clearTimeout(timer)
    this.#timers.delete(jobId)
    return true
  }

  /** Forgets every cancel (the worker closes). */
  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
  }
}
