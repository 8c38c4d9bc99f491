import { JobFailedError, JobqApiError, JobWaitTimeoutError, type Problem } from './errors.js'
import { readEventStream } from './sse.js'
import { followOperation, type FollowOptions } from './bulk.js'
import type {
  AuditTrail,
  BulkAction,
  BulkActionRequest,
  BulkDryRun,
  BulkEnqueued,
  BulkOperation,
  CancelOutcome,
  CleanOutcome,
  CleanRequest,
  ClientJobEvent,
  EnqueuedHandle,
  EnqueueOptions,
  GroupLimitRequest,
  GroupList,
  GroupView,
  Job,
  JobInput,
  JobInputAt,
  JobLogs,
  JobName,
  JobPage,
  JobResult,
  JobState,
  QueueActionOutcome,
  QueueSummary,
  RequeueOutcome,
  RetryOutcome,
  ScheduleView,
  SearchResults,
  WorkerRecord,
} from './types.js'

/** The filters of {@link JobqClient.audit} (`GET /v1/audit`). */
export interface AuditOptions {
  /** 1-1000. @defaultValue 50 */
  limit?: number
  cursor?: string
  /** Only this action, e.g. `POST /v1/queues/{queue}/empty`. */
  action?: string
  /** Only the actions of this token name. */
  token?: string
}

/** The filters of {@link JobqClient.search} besides the fields (`GET /v1/jobs`). */
export interface SearchOptions {
  /** Only this queue: 404 `unknown-queue` for an unknown one, 400 when it is not the job's. */
  queue?: string
  state?: JobState
  /** A substring of the failure reason, case-insensitive. */
  reason?: string
  /** Enqueued at or after / before, ISO 8601. */
  from?: string
  to?: string
  cursor?: string
  /** 1-200. @defaultValue 50 */
  limit?: number
}

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Where the producer listens, e.g. `http://jobq-producer:3000`. */
  baseUrl: string
  /** A bearer token from the producer's JOBQ_API_TOKENS. */
  token?: string
  /** @defaultValue globalThis.fetch */
  fetch?: typeof fetch
}

/** Options of {@link JobqClient.wait}. */
export interface WaitOptions {
  /** @defaultValue 60000 */
  timeoutMs?: number
  signal?: AbortSignal
}

/** The typed client; job names and payloads are checked against the registry at compile time. */
export interface JobqClient {
  /**
   * Enqueues one job; answers its id and `outcome`. With `options.jobId` (an idempotency key), a
   * key already used for this job within its window answers that job, `created: false`,
   * `outcome: 'duplicated'`. A job that declares `dedupe` answers `deduplicated` (the job holding
   * its key, `created: false`) or, debounced, `replaced` (`replacedId`: the pending job removed).
   */
  enqueue<N extends JobName, V extends number | undefined = undefined>(
    name: N,
    data: JobInputAt<N, V>,
    options?: EnqueueOptions & { version?: V },
  ): Promise<EnqueuedHandle<N>>
  /**
   * Enqueues many jobs of one kind, all or none; `created[i]` is false for a known key, and
   * `outcomes[i]` says what each item's enqueue did.
   */
  enqueueMany<N extends JobName>(
    name: N,
    items: readonly { data: JobInput<N>; options?: EnqueueOptions }[],
  ): Promise<BulkEnqueued>
  /** One job by id. */
  get<N extends JobName = JobName>(id: string): Promise<Job<N>>
  /** The job's events until it completes or fails for good. */
  events<N extends JobName = JobName>(
    id: string,
    options?: { signal?: AbortSignal },
  ): AsyncGenerator<ClientJobEvent<N>>
  /** Resolves with the job's result, or rejects with JobFailedError / JobWaitTimeoutError. */
  wait<N extends JobName>(job: EnqueuedHandle<N>, options?: WaitOptions): Promise<JobResult<N>>
  wait(id: string, options?: WaitOptions): Promise<unknown>
  /**
   * A page of the job's log (what its handler wrote with `ctx.log`), oldest line first:
   * `offset` (default 0) and `limit` (1-1000, default 100). 404 for an unknown id.
   */
  logs(id: string, options?: { offset?: number; limit?: number }): Promise<JobLogs>
  /** Cancels a job: removes it if it has not started, aborts it if active (409 if finished). */
  cancel(id: string): Promise<CancelOutcome>
  /** Retries one failed job, with a fresh set of attempts (409 if it has not failed). */
  retryJob(id: string): Promise<RetryOutcome>
  /** Every queue: counts per state, paused, backlog, workers. */
  queues(): Promise<QueueSummary[]>
  /** One queue's summary (404 `unknown-queue`). */
  queue(name: string): Promise<QueueSummary>
  /** A page of a queue's jobs in one state, newest first. */
  list(
    queue: string,
    options?: { state?: JobState; limit?: number; offset?: number },
  ): Promise<JobPage>
  /**
   * A page of job `name`'s jobs whose declared search fields equal `fields` (at least one, e.g.
   * `{ customerId: 'c42' }`), newest first; pass `nextCursor` back as `cursor` for the next.
   * 400 `validation` for a field the job does not declare.
   */
  search(
    name: JobName,
    fields: Record<string, string>,
    options?: SearchOptions,
  ): Promise<SearchResults>
  /** Pauses one queue, or every queue without a name (`jobq pause` / `suspend`). */
  pause(): Promise<QueueSummary[]>
  pause(queue: string): Promise<QueueActionOutcome>
  /** Resumes one queue, or every queue without a name. */
  resume(): Promise<QueueSummary[]>
  resume(queue: string): Promise<QueueActionOutcome>
  /** Moves failed jobs of `queue` back to waiting: `ids` only (all or none), or every one. */
  retry(queue: string, ids?: readonly string[]): Promise<RequeueOutcome>
  /** Removes every waiting and delayed job of `queue`. */
  empty(queue: string): Promise<QueueActionOutcome>
  /** Removes `queue`'s jobs in one state older than `olderThanMs`. */
  clean(queue: string, request: CleanRequest): Promise<CleanOutcome>
  /** The live worker records. */
  workers(): Promise<WorkerRecord[]>
  /** The job schedules, soonest next run first. */
  schedules(): Promise<ScheduleView[]>
  /**
   * A page of dead letters (failed jobs), newest first: `queue` or `name`, and as
   * {@link JobqClient.search} (with a search field, `name` is required).
   */
  deadLetters(
    filter: { name?: JobName; queue?: string } & Record<string, string | undefined>,
    options?: Omit<SearchOptions, 'state'>,
  ): Promise<SearchResults>
  /** How many jobs `action` would act on (`?dryRun=true`); moves nothing. */
  bulkDryRun(action: BulkAction, request: BulkActionRequest): Promise<BulkDryRun>
  /**
   * Starts `action` on every job `request` selects (`POST /v1/jobs/actions/{action}`); answers
   * the running operation (follow it with {@link JobqClient.followOperation}).
   */
  bulkStart(action: BulkAction, request: BulkActionRequest): Promise<BulkOperation>
  /** A bulk operation and its progress (404 `operation-not-found` after 24 h). */
  operation(id: string): Promise<BulkOperation>
  /** Reads operation `id` until it is no longer running; `onProgress` sees each read. */
  followOperation(id: string, options?: FollowOptions): Promise<BulkOperation>
  /** A page of `queue`'s keys of grouped jobs with work, busiest first (flow control). */
  groups(queue: string, options?: { limit?: number; offset?: number }): Promise<GroupList>
  /** Other limits for one key of a grouped job; fields left out keep the definition's. */
  setGroup(job: JobName, key: string, limits: GroupLimitRequest): Promise<GroupView>
  /** Drops one key's override: its job definition's limits apply again. */
  resetGroup(job: JobName, key: string): Promise<GroupView>
  /**
   * A page of the audit trail of admin actions, newest first (needs a token with the `admin`
   * scope); pass `nextCursor` back as `cursor` for the next page.
   */
  audit(options?: AuditOptions): Promise<AuditTrail>
}

/** Creates a client for one producer. */
export function createClient(options: ClientOptions): JobqClient {
  const base = options.baseUrl.replace(/\/+$/, '')
  const fetchImpl = options.fetch ?? globalThis.fetch
  const headers = (extra: Record<string, string> = {}) => ({
    ...(options.token && { authorization: `Bearer ${options.token}` }),
    ...extra,
  })

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetchImpl(`${base}${path}`, {
      method,
      headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    if (!res.ok) throw await apiError(res)
    return (await res.json()) as T
  }

  const client: JobqClient = {
    enqueue: (name, data, enqueueOptions) =>
      request('POST', `/v1/jobs/${name}`, { data, options: enqueueOptions }),

    enqueueMany: (name, items) => request('POST', `/v1/jobs/${name}/bulk`, { items }),

    get: (id) => request('GET', `/v1/jobs/${encodeURIComponent(id)}`),

    async *events(id, { signal } = {}) {
      const res = await fetchImpl(`${base}/v1/jobs/${encodeURIComponent(id)}/events`, {
        headers: headers({ accept: 'text/event-stream' }),
        signal,
      })
      if (!res.ok || !res.body) throw await apiError(res)
      for await (const message of readEventStream(res.body)) {
        const data = JSON.parse(message.data) as Record<string, unknown>
        const event = (
          message.event === 'state'
            ? { type: 'state', job: data }
            : { ...data, type: message.event }
        ) as ClientJobEvent
        yield event as never
        if (event.type === 'completed' || event.type === 'failed') return
      }
    },

    ...adminCalls(request),

    async wait(job: EnqueuedHandle | string, { timeoutMs = 60_000, signal }: WaitOptions = {}) {
      const id = typeof job === 'string' ? job : job.id
      const timeout = AbortSignal.timeout(timeoutMs)
      const abort = signal ? AbortSignal.any([signal, timeout]) : timeout
      try {
        // A stream can drop (a proxy, a producer restart): reconnect until the job ends.
        for (;;) {
          for await (const event of client.events(id, { signal: abort })) {
            if (event.type === 'completed') return event.result
            if (event.type === 'failed') throw new JobFailedError(id, event.reason)
          }
        }
      } catch (err) {
        if (timeout.aborted) throw new JobWaitTimeoutError(id, timeoutMs)
        throw err
      }
    },
  }
  return client
}

type Request = <T>(method: string, path: string, body?: unknown) => Promise<T>

/** The read and admin calls: one line each over `request`. */
function adminCalls(request: Request) {
  const q = (name: string) => `/v1/queues/${encodeURIComponent(name)}`
  const job = (id: string) => `/v1/jobs/${encodeURIComponent(id)}`
  const group = (name: string, key: string) =>
    `/v1/groups/${encodeURIComponent(name)}/${encodeURIComponent(key)}`
  const readOperation = (id: string) =>
    request<BulkOperation>('GET', `/v1/operations/${encodeURIComponent(id)}`)
  const everyOr = (action: 'pause' | 'resume') => async (queue?: string) =>
    queue === undefined
      ? (await request<{ queues: QueueSummary[] }>('POST', `/v1/queues/${action}`)).queues
      : request<QueueActionOutcome>('POST', `${q(queue)}/${action}`)
  return {
    cancel: (id: string) => request<CancelOutcome>('DELETE', job(id)),
    retryJob: (id: string) => request<RetryOutcome>('POST', `${job(id)}/retry`),
    logs: (id: string, options: { offset?: number; limit?: number } = {}) =>
      request<JobLogs>('GET', `${job(id)}/logs${queryOf(options)}`),
    queues: async () => (await request<{ queues: QueueSummary[] }>('GET', '/v1/queues')).queues,
    queue: (name: string) => request<QueueSummary>('GET', q(name)),
    search: (name: string, fields: Record<string, string>, options: SearchOptions = {}) =>
      request<SearchResults>('GET', `/v1/jobs${queryOf({ ...fields, ...options, name })}`),
    list: (queue: string, options: { state?: JobState; limit?: number; offset?: number } = {}) =>
      request<JobPage>('GET', `${q(queue)}/jobs${queryOf(options)}`),
    pause: everyOr('pause') as JobqClient['pause'],
    resume: everyOr('resume') as JobqClient['resume'],
    retry: (queue: string, ids?: readonly string[]) =>
      request<RequeueOutcome>('POST', `${q(queue)}/retry`, ids ? { ids } : {}),
    empty: (queue: string) => request<QueueActionOutcome>('POST', `${q(queue)}/empty`),
    clean: (queue: string, body: CleanRequest) =>
      request<CleanOutcome>('POST', `${q(queue)}/clean`, body),
    workers: async () => (await request<{ workers: WorkerRecord[] }>('GET', '/v1/workers')).workers,
    schedules: async () =>
      (await request<{ schedules: ScheduleView[] }>('GET', '/v1/schedules')).schedules,
    groups: (queue: string, options: { limit?: number; offset?: number } = {}) =>
      request<GroupList>('GET', `${q(queue)}/groups${queryOf(options)}`),
    setGroup: (name: string, key: string, limits: GroupLimitRequest) =>
      request<GroupView>('PUT', group(name, key), limits),
    resetGroup: (name: string, key: string) => request<GroupView>('DELETE', group(name, key)),
    audit: (options: AuditOptions = {}) =>
      request<AuditTrail>('GET', `/v1/audit${queryOf({ ...options })}`),
    deadLetters: (filter: Record<string, string | undefined>, options: SearchOptions = {}) =>
      request<SearchResults>('GET', `/v1/dead-letters${queryOf({ ...filter, ...options })}`),
    bulkDryRun: (action: BulkAction, body: BulkActionRequest) =>
      request<BulkDryRun>('POST', `/v1/jobs/actions/${action}?dryRun=true`, body),
    bulkStart: (action: BulkAction, body: BulkActionRequest) =>
      request<BulkOperation>('POST', `/v1/jobs/actions/${action}`, body),
    operation: readOperation,
    followOperation: (id: string, options?: FollowOptions) =>
      followOperation(readOperation, id, options),
  }
}

/** `?k=v&…` of the options that are set, or nothing. */
function queryOf(options: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(options).flatMap(([k, v]): [string, string][] =>
      v === undefined ? [] : [[k, String(v)]],
    ),
  ).toString()
  return query ? `?${query}` : ''
}

async function apiError(res: Response): Promise<JobqApiError> {
  const text = await res.text()
  let problem: Problem
  try {
    problem = JSON.parse(text) as Problem
  } catch {
    problem = { type: 'about:blank', title: res.statusText, status: res.status, detail: text }
  }
  return new JobqApiError(res.status, problem)
}
