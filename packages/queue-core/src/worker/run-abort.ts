/**
 * Whether and why one run of a job was aborted (a cancel, a shutdown, its timeout), with the
 * handler's `AbortSignal` made only when the handler reads it. Most handlers never do, and an
 * `AbortController` plus its listeners per job (what BullMQ makes for every processor that takes
 * a signal) was a measurable share of a short job's cost (bench/RESULTS.md).
 */
export class RunAbort {
  #aborted = false
  #reason: unknown
  #controller: AbortController | undefined
  #reject: ((err: Error) => void) | undefined

  get aborted(): boolean {
    return this.#aborted
  }

  get reason(): unknown {
    return this.#reason
  }

  /** The handler's signal, made on first use (already aborted if the run was). */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController()
      if (this.#aborted) this.#controller.abort(this.#reason)
    }
    return this.#controller.signal
  }

  /** Aborts the run once; later calls keep the first reason. */
  abort(reason: unknown): void {
    if (this.#aborted) return
    this.#aborted = true
    this.#reason = reason
    this.#controller?.abort(reason)
    this.#reject?.(asError(reason))
  }

  /** Settles with `work`, or rejects as soon as the run is aborted (the handler may ignore it). */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.#aborted) {
      // Nobody awaits `work` then: its own rejection (a handler honouring the aborted signal) must
      // not surface as an unhandled rejection, which would kill the process mid-shutdown.
      work.catch(() => undefined)
      return Promise.reject(asError(this.#reason))
    }
    return new Promise<T>((resolve, reject) => {
      this.#reject = reject
      work.then(resolve, reject)
    })
  }
}

const asError = (reason: unknown) => (reason instanceof Error ? reason : new Error('aborted'))
