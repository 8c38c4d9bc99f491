import { readHistory } from '../attempt-history.js'
import { isResultMarker, resolveResult } from '../big-result.js'
import type { AnyJobDefinition } from '../define-job.js'
import { toBullOptions } from '../job-options.js'
import { BULLMQ_TYPES, toPublicState, type JobState } from '../job-state.js'
import { toJobView, type JobView } from '../job-view.js'
import { previewJobView } from '../preview.js'
import { addAllOrNone } from './bulk-add.js'
import type { OperationsContext } from './context.js'
import { asBulk, enqueueDeduped } from './dedupe-enqueue.js'
import { findJob } from './find-job.js'
import { enqueueGrouped } from './groups/enqueue.js'
import { addKeyed } from './idempotency.js'
import { LiveVersions } from './live-versions.js'
import { notCurrentVersion } from './version-schema.js'
import { enqueueIndexed, indexCreated } from './search-add.js'
import { searchJobs } from './search.js'
import type { SearchPage } from '../contracts/search.js'
import type { JobLogs } from '../contracts/job-logs.js'
import { readJobLogs, type JobLogsPage } from './job-logs.js'
import type { WatchEvent } from './job-events.js'
import { finalEventOf, watchEvents } from './watch.js'
import { validateItems, type BulkItem, type ValidItem } from './validate-items.js'
import type { EnqueueOptions } from '../enqueue-options.js'

export type { BulkItem } from './validate-items.js'
import type { BulkEnqueued, EnqueuedJob } from '../contracts/jobs.js'
import { newJobId } from '../job-id.js'
import { currentVersionOf } from '../versions.js'

/** An item parsed by an adapter with the job's own contract: its input, and its options. */
export interface ParsedItem {
  data: unknown
  options?: EnqueueOptions | undefined
}

/** A job being watched: where it stands now, and how to stop watching. */
export interface JobWatch {
  current: JobView
  /** The event the job's current state already stands for, when it has ended. */
  final?: WatchEvent
  stop: () => void
}

/** Which page of a queue's jobs to list. */
export interface ListJobsOptions {
  state: JobState
  /** @defaultValue 50 */
  limit?: number
  /** @defaultValue 0 */
  offset?: number
}

/** Enqueue and read jobs: `POST /v1/jobs/:name[/bulk]`, `GET /v1/jobs/:id[/events]`, lists. */
export class JobOperations {
  private readonly liveVersions: LiveVersions

  constructor(private readonly ctx: OperationsContext) {
    this.liveVersions = new LiveVersions(ctx)
  }

  /**
   * Validates `data` against the job's input schema and `options` against the enqueue options,
   * then enqueues it. Throws `UnknownJobError`, `JobValidationError`, `BackendUnavailableError`.
   */
  async enqueue(name: string, data: unknown, options?: unknown): Promise<EnqueuedJob> {
    const definition = this.ctx.jobOf(name)
    const [item] = validateItems(definition, [{ data, options }])
    return this.add(definition, item!)
  }

  /**
   * {@link enqueue} for input an adapter has already parsed with this job's own contract (the
   * HTTP route parses `EnqueueRequest` with `data` as the job's input schema, transforms and
   * defaults applied): the hot path validates once, not twice.
   */
  enqueueParsed(name: string, item: ParsedItem): Promise<EnqueuedJob> {
    const definition = this.ctx.jobOf(name)
    // Parsed with the current version's schema: another version must go through `enqueue`.
    const version = item.options?.version
    if (version !== undefined && version !== currentVersionOf(definition)) {
      return Promise.reject(notCurrentVersion(definition, version))
    }
    return this.add(definition, { data: item.data, options: item.options ?? {} })
  }

  /**
   * Validates every item first, then enqueues all of them, or none (nothing is left half-added
   * when Redis refuses part-way). Throws as {@link enqueue} does.
   */
  async enqueueBulk(name: string, items: readonly BulkItem[]): Promise<BulkEnqueued> {
    const definition = this.ctx.jobOf(name)
    return this.addBulk(definition, validateItems(definition, items))
  }

  /** {@link enqueueBulk} for items already parsed with the job's contract (see {@link enqueueParsed}). */
  enqueueBulkParsed(name: string, items: readonly ParsedItem[]): Promise<BulkEnqueued> {
    const valid = items.map((item) => ({ data: item.data, options: item.options ?? {} }))
    return this.addBulk(this.ctx.jobOf(name), valid)
  }

  /** One job by id, whichever queue holds it, whole. Throws `JobNotFoundError`. */
  async get(id: string): Promise<JobView> {
    const { ctx } = this
    const { job, state } = await findJob(ctx, id)
    const key = ctx.queueOf(job.queueName).toKey(id)
    const history = await ctx.guard(() => readHistory(ctx.connection, key))
    const view = toJobView(job, state, history)
    // A big result is stored aside (big-result.ts): read it back for the whole job.
    if (!isResultMarker(view.result)) return view
    return {
      ...view,
      result: await ctx.guard(() => resolveResult(ctx.connection, key, view.result)),
    }
  }

  /**
   * A page of one queue's jobs in one state, newest first, as previews (`preview.ts`): a page of
   * 3 MB jobs must not send 60 MB. Throws `UnknownQueueError`.
   */
  async list(queueName: string, { state, limit = 50, offset = 0 }: ListJobsOptions) {
    const queue = this.ctx.queueOf(queueName)
    const jobs = await this.ctx.guard(() =>
      queue.getJobs(BULLMQ_TYPES[state], offset, offset + limit - 1, false),
    )
    return jobs.filter(Boolean).map((job) => previewJobView(toJobView(job, state)))
  }

  /** A page of one job's log (`GET /v1/jobs/{id}/logs`): see `readJobLogs` in job-logs.ts. */
  logs(id: string, page: JobLogsPage = { offset: 0, limit: 100 }): Promise<JobLogs> {
    return readJobLogs(this.ctx, id, page)
  }

  /** A page of a search by declared fields (`GET /v1/jobs`): see `searchJobs` in search.ts. */
  search(query: Record<string, unknown>): Promise<SearchPage> {
    return searchJobs(this.ctx, query)
  }

  /**
   * Reads job `id` and calls `onEvent` for what happens to it (see `WatchEvent`: progress,
   * retrying, and one final completed or failed). Subscribes before reading, so an event between
   * the two is never missed. `onError` gets a failed read of the job while watching. Needs the
   * `eventsConnection` option; throws `JobNotFoundError`.
   */
  async watch(
    id: string,
    onEvent: (event: WatchEvent) => void,
    onError: (err: unknown) => void = () => {},
  ): Promise<JobWatch> {
    const { events } = this.ctx
    if (!events) throw new TypeError('watch() needs the eventsConnection option')
    const { queue } = await this.get(id)
    const listener = watchEvents(() => this.get(id), onEvent, onError)
    const stop = await events.subscribe(queue, id, listener)
    try {
      const current = await this.get(id)
      return { current, final: finalEventOf(current), stop }
    } catch (err) {
      stop()
      throw err
    }
  }

  private add(definition: AnyJobDefinition, item: ValidItem): Promise<EnqueuedJob> {
    if (LiveVersions.applies(definition, item.options.requireWorker)) {
      return this.liveVersions.around(definition, [item], () => this.addOne(definition, item))
    }
    return this.addOne(definition, item)
  }

  private addOne(definition: AnyJobDefinition, item: ValidItem): Promise<EnqueuedJob> {
    if (definition.group) {
      return enqueueGrouped(this.ctx, definition, [item]).then(({ ids, at }) =>
        enqueued(definition, undefined, ids[0]!, at),
      )
    }
    if (definition.dedupe) return enqueueDeduped(this.ctx, definition, [item]).then(([job]) => job!)
    if (definition.search && item.options.jobId === undefined) {
      return enqueueIndexed(this.ctx, definition, [item]).then(({ ids, at }) =>
        enqueued(definition, item.options.delay, ids[0]!, at),
      )
    }
    return item.options.jobId === undefined
      ? this.enqueueUnkeyed(definition, item)
      : this.enqueueKeyed(definition, item)
  }

  private addBulk(definition: AnyJobDefinition, valid: ValidItem[]): Promise<BulkEnqueued> {
    const checked = valid.some((i) => LiveVersions.applies(definition, i.options.requireWorker))
    if (checked)
      return this.liveVersions.around(definition, valid, () => this.addMany(definition, valid))
    return this.addMany(definition, valid)
  }

  private async addMany(definition: AnyJobDefinition, valid: ValidItem[]): Promise<BulkEnqueued> {
    const { name } = definition
    const queue = this.ctx.queueOf(definition.queue)
    const { ctx } = this
    if (definition.group) {
      return allCreated((await enqueueGrouped(ctx, definition, valid)).ids)
    }
    if (definition.dedupe) return asBulk(await enqueueDeduped(ctx, definition, valid))
    if (valid.every(({ options }) => options.jobId === undefined)) {
      if (definition.search) {
        return allCreated((await enqueueIndexed(ctx, definition, valid)).ids)
      }
      // No keys (the usual bulk): nothing claimed. BullMQ 6.7 sends addBulk as a pipeline, not
      // a MULTI; addAllOrNone removes this bulk's jobs again when Redis refuses part-way.
      const jobs = valid.map(({ data, options }) => ({
        name,
        data,
        opts: toBullOptions(definition, options, newJobId(definition.queue), ctx.retention),
      }))
      await ctx.guard(() => addAllOrNone(queue, ctx.connection, jobs))
      return allCreated(jobs.map((job) => job.opts.jobId!))
    }
    const jobs = valid.map(({ data, options }) => ({
      name,
      data,
      opts: toBullOptions(definition, options, '', ctx.retention),
      ...(options.jobId !== undefined && { key: options.jobId }),
    }))
    // One MULTI: every job is added, or (on error) none.
    const added = await ctx.guard(() => addKeyed(queue, ctx.keys, jobs))
    if (definition.search) await indexCreated(ctx, definition, valid, added)
    const outcomes = added.map(({ created }) => (created ? 'created' : ('duplicated' as const)))
    return { ids: added.map((job) => job.id), created: added.map((job) => job.created), outcomes }
  }

  /** The hot path: no key, so no claim; jobq makes the id. */
  private async enqueueUnkeyed(
    definition: AnyJobDefinition,
    { data, options }: ValidItem,
  ): Promise<EnqueuedJob> {
    const { ctx } = this
    const id = newJobId(definition.queue)
    const opts = toBullOptions(definition, options, id, ctx.retention)
    const queue = ctx.queueOf(definition.queue)
    const job = await ctx.guard(() => queue.add(definition.name, data, opts))
    return enqueued(definition, options.delay, id, job.timestamp)
  }

  /** With an idempotency key: the key's job, made now or earlier. */
  private async enqueueKeyed(
    definition: AnyJobDefinition,
    { data, options }: ValidItem,
  ): Promise<EnqueuedJob> {
    const { ctx } = this
    const queue = ctx.queueOf(definition.queue)
    const opts = toBullOptions(definition, options, '', ctx.retention)
    const [added] = await ctx.guard(() =>
      addKeyed(queue, ctx.keys, [{ name: definition.name, data, opts, key: options.jobId }]),
    )
    const { id, created, enqueuedAt = Date.now() } = added!
    if (definition.search) await indexCreated(ctx, definition, [{ data }], [added!])
    const answer = enqueued(definition, options.delay, id, enqueuedAt)
    if (created) return answer
    // The key's job: as it is now, or gone (retention, clean or cancel removed it).
    const state = await ctx.guard(() => queue.getJobState(id))
    return { ...answer, state: toPublicState(state) ?? 'removed', created, outcome: 'duplicated' }
  }
}

/** The answer for a job just made. */
function enqueued(
  definition: AnyJobDefinition,
  delay: number | undefined,
  id: string,
  at: number,
): EnqueuedJob {
  return {
    id,
    name: definition.name,
    queue: definition.queue,
    state: delay ? 'delayed' : 'waiting',
    enqueuedAt: new Date(at).toISOString(),
    created: true,
    outcome: 'created',
  }
}

/** A bulk answer in which every item made a new job. */
function allCreated(ids: string[]): BulkEnqueued {
  return { ids, created: ids.map(() => true), outcomes: ids.map(() => 'created' as const) }
}
