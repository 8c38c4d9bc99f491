import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  freePort,
  spawnNode,
  startRedisServer,
  type NodeProcess,
  type RedisServer,
} from '@jobq/queue-core/redis-server'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))
/** The built entry points: the run drives what production runs. */
const producerMain = here('../../../apps/producer/dist/main.js')
const workerMain = here('../../../apps/worker/dist/main.js')
const chaosRegistry = here('../fixtures/chaos-registry.mjs')

/**
 * Worker settings of the run. The lock and stalled check are short so a killed worker's jobs come
 * back in seconds (production: 30 s each); the grace period is shorter than the longest sleep job,
 * so some SIGTERMs hand jobs back instead of letting them finish.
 */
export const WORKER_SETTINGS = {
  lockMs: 2_000,
  stalledIntervalMs: 1_000,
  heartbeatMs: 500,
  graceMs: 1_500,
  concurrency: 5,
} as const

/** Options of {@link Stack.start}. */
export interface StackOptions {
  /** Scratch directory: Redis's AOF, the record file, process logs. */
  dir: string
  prefix: string
  /** The file the chaos handlers record runs in. */
  record: string
  /** Single worker processes (a `--processes 2` pool runs beside them). */
  workers: number
}

/** One process the stack started, kept for its log. */
interface Started {
  label: string
  process: NodeProcess
}

/**
 * The stack under test: one redis-server (AOF, `appendfsync always`, its own port and dir), the
 * built producer on a fixed port (so clients keep their URL across restarts), N single workers
 * and one `--processes 2` pool, all serving `default` with the chaos registry.
 */
export class Stack {
  redis: RedisServer | undefined
  producer!: NodeProcess
  readonly workers: (NodeProcess | undefined)[] = []
  pool: NodeProcess | undefined
  readonly url: string
  private readonly started: Started[] = []
  private redisPort = 0

  private constructor(
    private readonly options: StackOptions,
    private readonly producerPort: number,
  ) {
    this.url = `http://127.0.0.1:${producerPort}`
  }

  static async start(options: StackOptions): Promise<Stack> {
    const stack = new Stack(options, await freePort())
    try {
      await stack.startRedis()
      await stack.startProducer()
      const booting = [...Array(options.workers).keys()].map((i) => stack.startWorker(i))
      stack.pool = stack.spawnWorker('pool', ['--processes', '2'])
      await Promise.all([...booting, stack.pool.waitFor(/worker taking jobs/, 30_000)])
      return stack
    } catch (err) {
      await stack.stop() // leave no process behind a failed start
      throw err
    }
  }

  private get env(): Record<string, string> {
    return { REDIS_URL: `redis://127.0.0.1:${this.redisPort}`, JOBQ_PREFIX: this.options.prefix }
  }

  /** Starts Redis, on the port of the previous one if any (the clients know that port). */
  async startRedis(): Promise<void> {
    this.redis = await startRedisServer({
      ...(this.redisPort && { port: this.redisPort }),
      appendonly: true,
      dir: this.options.dir,
      // Every acknowledged write is on disk before Redis answers, so a kill -9 loses nothing
      // (with the default `everysec` a crash may lose the last second: docs/reliability.md).
      args: ['--appendfsync', 'always'],
    })
    this.redisPort = this.redis.port
  }

  /** kill -9 of Redis; resolves once it is gone. */
  async killRedis(): Promise<number> {
    if (!this.redis) throw new Error('Redis is not running')
    const { process: child } = this.redis
    const pid = child.pid ?? 0
    const gone = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await gone
    return pid
  }

  async startProducer(): Promise<void> {
    this.producer = spawnNode(producerMain, [], {
      env: {
        ...this.env,
        HOST: '127.0.0.1',
        PORT: String(this.producerPort),
        LOG_LEVEL: 'info',
      },
    })
    this.started.push({ label: 'producer', process: this.producer })
    await this.producer.waitFor(/producer listening/, 30_000)
  }

  /** Starts single worker `index` and resolves once it takes jobs. */
  async startWorker(index: number): Promise<void> {
    const worker = this.spawnWorker(`worker-${index}`, [])
    this.workers[index] = worker
    await worker.waitFor(/worker taking jobs/, 30_000)
  }

  private spawnWorker(label: string, extra: string[]): NodeProcess {
    const child = spawnNode(
      workerMain,
      ['default', '--concurrency', String(WORKER_SETTINGS.concurrency), ...extra],
      {
        env: {
          ...this.env,
          JOBQ_REGISTRY: chaosRegistry,
          JOBQ_CHAOS_RECORD: this.options.record,
          JOBQ_LOCK_MS: String(WORKER_SETTINGS.lockMs),
          JOBQ_STALLED_INTERVAL_MS: String(WORKER_SETTINGS.stalledIntervalMs),
          JOBQ_HEARTBEAT_MS: String(WORKER_SETTINGS.heartbeatMs),
          JOBQ_GRACE_MS: String(WORKER_SETTINGS.graceMs),
          // Every finished job must stay readable until the checker has read it.
          JOBQ_KEEP_COMPLETED: '10000000',
          LOG_LEVEL: 'info',
        },
      },
    )
    this.started.push({ label, process: child })
    return child
  }

  /** The pids of the pool's worker processes right now (its children, from /proc). */
  poolMembers(): number[] {
    const pid = this.pool?.child.pid
    try {
      const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      return text.split(' ').filter(Boolean).map(Number)
    } catch {
      return []
    }
  }

  /** Stops everything this stack started (kill -9: the run is over) and writes every log. */
  async stop(): Promise<void> {
    // The pool's members first: killing the supervisor with -9 would orphan them.
    for (const pid of this.poolMembers()) signal(pid, 'SIGKILL')
    for (const { process } of this.started) process.kill()
    await Promise.all(this.started.map(({ process }) => process.exited))
    await this.redis?.stop()
    for (const { label, process } of this.started) {
      writeFileSync(join(this.options.dir, `${label}-${process.child.pid}.log`), process.output())
    }
  }
}

/** Sends `name` to `pid`; false when the process is already gone. */
export function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name)
    return true
  } catch {
    return false
  }
}

/** True while `pid` runs (a zombie awaiting its parent counts as gone). */
export function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return false
  }
}
