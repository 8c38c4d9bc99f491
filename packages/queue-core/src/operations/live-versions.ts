import type { AnyJobDefinition } from '../define-job.js'
import { NoWorkerForVersionError } from '../errors.js'
import type { EnqueueOptions } from '../enqueue-options.js'
import { listWorkers, type WorkerRecord } from '../records.js'
import { currentVersionOf } from '../versions.js'
import type { OperationsContext } from './context.js'

/** How long one read of the worker records answers the version checks, in ms. */
const RECORDS_FRESH_MS = 2_000

/**
 * Tells an enqueue whether a live worker can run the payload version it is about to write
 * (issue 16): a job of a version no worker runs waits, unfailed, until one starts, and its
 * producer is told so (`warning`), or refused (`NoWorkerForVersionError`, 409) when it asked
 * with `options.requireWorker`. Checked for jobs with versions and for enqueues that ask, never
 * on the plain enqueue. The worker records are read at most once per {@link RECORDS_FRESH_MS}
 * (a fleet changes in seconds; an enqueue must not cost a read of every record).
 */
export class LiveVersions {
  private records: { at: number; read: Promise<WorkerRecord[]> } | undefined

  constructor(private readonly ctx: OperationsContext) {}

  /** Whether an enqueue of `definition` with these options needs the check at all. */
  static applies(definition: AnyJobDefinition, requireWorker: boolean | undefined): boolean {
    return definition.version !== undefined || requireWorker === true
  }

  /**
   * The warning for `versions` of `definition` that no live worker (`stopping` ones left out)
   * can run, or undefined when each has one. Throws `NoWorkerForVersionError` instead when
   * `requireWorker`, and `BackendUnavailableError` when Redis is away.
   */
  async check(
    definition: AnyJobDefinition,
    versions: ReadonlySet<number>,
    requireWorker: boolean | undefined,
  ): Promise<string | undefined> {
    const records = await this.read()
    const live = records.filter((r) => r.state !== 'stopping' && r.jobs.includes(definition.name))
    const runnable = new Set(live.flatMap((r) => r.jobVersions[definition.name] ?? [1]))
    const missing = [...versions].filter((v) => !runnable.has(v)).sort((a, b) => a - b)
    if (!missing.length) return undefined
    const running = runnable.size ? [...runnable].sort((a, b) => a - b).join(', ') : 'none'
    const message =
      `no live worker can run version ${missing.join(', ')} of "${definition.name}" ` +
      `(current ${currentVersionOf(definition)}; live workers run: ${running})`
    if (requireWorker) throw new NoWorkerForVersionError(definition.name, missing[0]!, message)
    return `${message}; the job waits until such a worker starts`
  }

  /**
   * Runs `add` once the live workers were checked for the versions `items` carry: answers its
   * result with a `warning` when none can run one of them, or throws `NoWorkerForVersionError`
   * before anything is added when an item asked `requireWorker`.
   */
  async around<T extends object>(
    definition: AnyJobDefinition,
    items: readonly { options: EnqueueOptions }[],
    add: () => Promise<T>,
  ): Promise<T & { warning?: string }> {
    const versions = new Set(items.map((i) => i.options.version ?? currentVersionOf(definition)))
    const required = items.some((i) => i.options.requireWorker)
    const warning = await this.check(definition, versions, required)
    const added = await add()
    return warning ? { ...added, warning } : added
  }

  private read(): Promise<WorkerRecord[]> {
    const now = Date.now()
    if (!this.records || now - this.records.at > RECORDS_FRESH_MS) {
      const read = this.ctx.guard(() => listWorkers(this.ctx.connection, this.ctx.prefix))
      // A failed read is not kept: the next enqueue asks again.
      read.catch(() => {
        if (this.records?.read === read) this.records = undefined
      })
      this.records = { at: now, read }
    }
    return this.records.read
  }
}
