// Shared by the id tests (caller-ids-and-queue-keys, idempotency, scheduler-ids): the BUILT
// producer, worker and CLI, as a user runs them, against the suite's redis-server.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import {
  deletePrefix,
  freePort,
  spawnNode,
  testRedisUrl,
  uniquePrefix,
  type NodeProcess,
} from '@jobq/queue-core/testing'
import { createRedis } from '@jobq/queue-core'

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

/** One test's stack: a prefix, a producer process, workers on demand, a record of attempts. */
export class IdsStack {
  readonly prefix = uniquePrefix('ids')
  readonly redis: ReturnType<typeof createRedis>
  readonly dir = mkdtempSync(join(tmpdir(), 'jobq-ids-'))
  readonly record = join(this.dir, 'attempts.log')
  readonly processes: NodeProcess[] = []
  url = ''

  /** On the suite's Redis, or on `redisUrl` (a private server a test may break). */
  constructor(readonly redisUrl = testRedisUrl()) {
    this.redis = createRedis({ url: redisUrl, role: 'worker' })
  }

  /** Starts the built producer (demo registry) with `env`; resolves once it listens. */
  async startProducer(env: Record<string, string> = {}): Promise<NodeProcess> {
    const port = await freePort()
    const producer = spawnNode(producerMain, [], {
      env: {
        REDIS_URL: this.redisUrl,
        JOBQ_PREFIX: this.prefix,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'info',
        ...env,
      },
    })
    this.processes.push(producer)
    await producer.waitFor(/producer listening/)
    this.url = `http://127.0.0.1:${port}`
    // It listens before its Redis connection is up (answering 503 until then): wait for ready.
    await eventually(
      () => this.get('/readyz'),
      (r) => r.status === 200,
    )
    return producer
  }

  /** Starts the built worker on the ids fixture registry; resolves once it takes jobs. */
  async startWorker(env: Record<string, string> = {}): Promise<NodeProcess> {
    const worker = spawnNode(workerMain, ['default'], {
      env: {
        REDIS_URL: this.redisUrl,
        JOBQ_PREFIX: this.prefix,
        JOBQ_REGISTRY: idsRegistry,
        JOBQ_TEST_RECORD: this.record,
        LOG_LEVEL: 'info',
        ...env,
      },
    })
    this.processes.push(worker)
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

  async close(failed: boolean): Promise<void> {
    for (const p of this.processes.splice(0)) {
      p.kill()
      await p.exited
    }
    if (!failed) await deletePrefix(this.redis, this.prefix)
    this.redis.disconnect()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** Polls `read` until `check` passes (for state that changes without an event to await). */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await read()
    if (check(value)) return value
    if (Date.now() > deadline) {
      throw new Error(`not within ${ms} ms: ${JSON.stringify(value).slice(0, 500)}`)
    }
    await sleep(50)
  }
}
