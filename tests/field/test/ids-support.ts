// Shared by the id tests (caller-ids-and-queue-keys, idempotency, scheduler-ids): the BUILT
// producer, worker and CLI, as a user runs them, against the suite's redis-server.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { eventually, freePort, type Harness, type NodeProcess } from '@jobq/queue-core/testing'

const built = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url))
const workerMain = built('apps/worker/dist/main.js')
const producerMain = built('apps/producer/dist/main.js')
const cliMain = built('apps/cli/dist/main.js')
const idsRegistry = fileURLToPath(new URL('../fixtures/ids-registry.mjs', import.meta.url))

/** The fields the id tests read from the API's answers (each is on some of them). */
export interface ApiBody {
  id: string
  ids: string[]
  /** A boolean on enqueue, one per item on bulk. */
  created: unknown
  state: string
  data: unknown
  outcome: string
  failedReason: string | null
  type: string
  detail: string
}

/** A JSON response: status and parsed body. */
export interface Reply<T = ApiBody> {
  status: number
  body: T
}

/**
 * One test's stack on a harness (the suite's Redis, or a private server a test may break): its
 * prefix, a producer process, workers on demand, a record of attempts. The harness closes it all.
 */
export class IdsStack {
  readonly prefix: string
  readonly redis: ReturnType<Harness['connect']>
  readonly redisUrl: string
  readonly record: string
  url = ''

  constructor(private readonly h: Harness) {
    this.prefix = h.prefix
    this.redis = h.connect('worker')
    if (h.target.kind !== 'standalone') throw new Error('the id tests run on one redis-server')
    this.redisUrl = h.target.url
    this.record = join(h.scratchDir(), 'attempts.log')
  }

  /** Starts the built producer (demo registry) with `env`; resolves once it listens. */
  async startProducer(env: Record<string, string> = {}): Promise<NodeProcess> {
    const port = await freePort()
    const producer = this.h.spawn(producerMain, [], {
      env: {
        REDIS_URL: this.redisUrl,
        JOBQ_PREFIX: this.prefix,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'info',
        ...env,
      },
    })
    await producer.waitFor(/producer listening/)
    this.url = `http://127.0.0.1:${port}`
    // It listens before its Redis connection is up (answering 503 until then): wait for ready.
    await eventually(
      () => this.get('/readyz'),
      (r) => r.status === 200,
      30_000,
    )
    return producer
  }

  /** Starts the built worker on the ids fixture registry; resolves once it takes jobs. */
  async startWorker(env: Record<string, string> = {}): Promise<NodeProcess> {
    const worker = this.h.spawn(workerMain, ['default'], {
      env: {
        REDIS_URL: this.redisUrl,
        JOBQ_PREFIX: this.prefix,
        JOBQ_REGISTRY: idsRegistry,
        JOBQ_TEST_RECORD: this.record,
        LOG_LEVEL: 'info',
        ...env,
      },
    })
    await worker.waitFor(/worker taking jobs/)
    return worker
  }

  /** Runs the built CLI; resolves with its exit code and output. */
  async cli(...args: string[]): Promise<{ code: number; out: string }> {
    const env = { ...process.env, REDIS_URL: this.redisUrl, JOBQ_PREFIX: this.prefix }
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [cliMain, ...args], {
        env,
      })
      return { code: 0, out: stdout + stderr }
    } catch (err) {
      const failed = err as { code: number; stdout: string; stderr: string }
      return { code: failed.code, out: failed.stdout + failed.stderr }
    }
  }

  /** Sends one request; the body is parsed as JSON when it is JSON. */
  async request<T = ApiBody>(method: string, path: string, body?: unknown): Promise<Reply<T>> {
    const res = await fetch(this.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      // not JSON (an event stream, /metrics): keep the text
    }
    return { status: res.status, body: parsed as T }
  }

  get = <T = ApiBody>(path: string) => this.request<T>('GET', path)
  post = <T = ApiBody>(path: string, body: unknown) => this.request<T>('POST', path, body)

  /** The attempts the handlers recorded: `{ id, job, data }` per start. */
  attempts(): { id: string; job: string; data: string }[] {
    if (!existsSync(this.record)) return []
    return readFileSync(this.record, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [, id = '', job = '', ...data] = line.split(' ')
        return { id, job, data: data.join(' ') }
      })
  }

  /** Polls GET /v1/jobs/:id until the job is in one of `states` (no event reaches a test here). */
  until(id: string, states: string[], ms = 30_000) {
    return eventually(
      () => this.get(`/v1/jobs/${encodeURIComponent(id)}`),
      (r) => r.status === 200 && states.includes(r.body.state),
      ms,
    )
  }
}

/** The one polling helper (for state that changes without an event to await). */
export { eventually }
