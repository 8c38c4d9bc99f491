import { DelayedError, type Job } from 'bullmq'
import { VERSION_HAND_BACK_PREFIX } from '../attempt-history.js'
import type { AnyJobDefinition } from '../define-job.js'
import { currentVersionOf, versionOfJob } from '../versions.js'
import { handBack } from './hand-back.js'
import type { WorkerRuntime } from './runtime.js'

/** The first wait of a job handed back for its version, in ms; it doubles with each hand-back. */
export const HAND_BACK_BASE_MS = 1_000
/** The longest wait between two hand-backs of one job, in ms. */
const HAND_BACK_MAX_MS = 60_000

/** The job hash field that counts a job's version hand-backs (for the backoff). */
const HAND_BACKS_FIELD = 'jobqVersionHandBacks'

/**
 * What a worker does with a job whose payload version is newer than its definition (a rolling
 * deploy: a new producer's job reached an old worker). It must not fail the job, nor run it
 * with the wrong schema, nor charge its attempts. It hands it back to `delayed`, with a backoff
 * that doubles per hand-back from {@link HAND_BACK_BASE_MS} up to {@link HAND_BACK_MAX_MS}, so a
 * fleet that has no newer worker yet does not spin on it; any worker may take it when it is due,
 * and a worker that knows the version runs it.
 *
 * Why delayed rather than a per-version parking list drained by newer workers at boot: the job
 * stays a plain BullMQ job in its own queue (counts, lists, cancel, the dashboard and the stalled
 * check all see it), no new key or drain step is needed, and a newer worker that is already
 * running (a deploy half done) picks it up without a boot. The price is a wait of up to the
 * backoff once a newer worker is up.
 */
export interface VersionGate {
  /** True when `job` carries a version newer than this worker's definition of its job. */
  refuses(job: Job): boolean
  /** Hands `job` back (see above) and rejects with BullMQ's `DelayedError`, as BullMQ expects. */
  handBack(job: Job, token: string): Promise<never>
}

/** The gate of a worker that runs `jobs`. */
export function versionGateOf(
  runtime: Pick<WorkerRuntime, 'connection' | 'history' | 'record' | 'logger'>,
  jobs: readonly AnyJobDefinition[],
): VersionGate {
  const known = new Map(jobs.map((job) => [job.name, currentVersionOf(job)]))
  return {
    refuses(job) {
      const newest = known.get(job.name)
      return newest !== undefined && versionOfJob(job.opts) > newest
    },
    async handBack(job, token) {
      const version = versionOfJob(job.opts)
      const reason =
        `${VERSION_HAND_BACK_PREFIX}${version} is newer than this worker runs ` +
        `(${known.get(job.name)}): handed back for a worker that knows it; not counted as an attempt`
      const waitMs = await handBack(runtime, job, token, {
        reason,
        countField: HAND_BACKS_FIELD,
        baseMs: HAND_BACK_BASE_MS,
        maxMs: HAND_BACK_MAX_MS,
      })
      runtime.logger.info(
        { jobId: job.id, jobName: job.name, version, waitMs },
        'job handed back: payload version unknown to this worker',
      )
      throw new DelayedError(reason)
    },
  }
}
