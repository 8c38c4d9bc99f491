import type { Problem } from '@jobq/queue-core/contracts'

/** The problem+json body the API answers on errors. */
export type { Problem }

/** The API answered an error status; `problem` says what was wrong. */
export class JobqApiError extends Error {
  override readonly name = 'JobqApiError'
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    const issues = problem.errors?.map((e) => `${e.path}: ${e.message}`).join('; ')
    super(`${status} ${problem.detail}${issues ? ` (${issues})` : ''}`)
  }
}

/** The job ended failed; `reason` is its failedReason. */
export class JobFailedError extends Error {
  override readonly name = 'JobFailedError'
  constructor(
    readonly jobId: string,
    readonly reason: string,
  ) {
    super(`job ${jobId} failed: ${reason}`)
  }
}

/** `wait()` gave up before the job finished (the job itself goes on). */
export class JobWaitTimeoutError extends Error {
  override readonly name = 'JobWaitTimeoutError'
  constructor(
    readonly jobId: string,
    readonly timeoutMs: number,
  ) {
    super(`job ${jobId} did not finish within ${timeoutMs} ms`)
  }
}
