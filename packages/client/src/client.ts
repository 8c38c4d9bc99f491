import { JobFailedError, JobqApiError, JobWaitTimeoutError, type Problem } from './errors.js'
import { readEventStream } from './sse.js'
import type {
  BulkEnqueued,
  ClientJobEvent,
  EnqueuedHandle,
  EnqueueOptions,
  Job,
  JobInput,
  JobName,
  JobResult,
} from './types.js'

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
   * Enqueues one job; answers its id. With `options.jobId` (an idempotency key), a key already
   * used for this job within its window answers that job, `created: false`.
   */
  enqueue<N extends JobName>(
    name: N,
    data: JobInput<N>,
    options?: EnqueueOptions,
  ): Promise<EnqueuedHandle<N>>
  /** Enqueues many jobs of one kind, all or none; `created[i]` is false for a known key. */
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
