import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRedis, waitForReady, type Redis } from '../connection.js'
import { createLogger, type Logger } from '../logger.js'
import type { RedisTarget } from '../redis-target.js'
import type { AnyRegistry } from '../registry.js'
import { spawnNode, type NodeProcess } from '../redis-server/spawn-node.js'
import { deletePrefix, uniquePrefix } from './helpers.js'
import { JobWaiter } from './job-waiter.js'

/** Options of {@link createHarness} and {@link useHarness}. */
export interface HarnessOptions {
  /** Registry handed to producers and workers (`producer()` and `worker()` throw without one). */
  registry?: AnyRegistry
  /** First word of the prefix, to find a failed test's keys. @defaultValue 'test' */
  label?: string
  /** Where to connect. @defaultValue the run's redis-server (`testRedisUrl()`) */
  target?: string | RedisTarget
  /** Wrap the prefix in `{…}` so every key lands in one cluster slot. @defaultValue false */
  hashTag?: boolean
  /** A given prefix (another harness's, to read its jobs elsewhere). @defaultValue a unique one */
  prefix?: string
}

/** What the harness hands a producer factory (`createOperations`, or its successor). */
export interface ProducerDeps {
  registry: AnyRegistry
  connection: Redis
  eventsConnection: Redis
  prefix: string
}

/** What the harness hands a worker starter (`startWorker`). */
export interface WorkerDeps {
  registry: AnyRegistry
  connection: Redis
  prefix: string
  logger: Logger
}

/** Anything with a `close()`: a producer, a worker, a server wrapper. */
export interface Closable {
  close(...args: never[]): unknown
}

/**
 * One test's (or one file's) world: a prefix no other test uses, Redis connections, a job waiter,
 * producers, workers, child processes and scratch folders, each closed by {@link Harness.close}
 * (by the hooks of {@link useHarness}), newest first.
 */
export interface Harness {
  readonly prefix: string
  readonly target: RedisTarget
  /** The registry from the options (throws if none was given). */
  readonly registry: AnyRegistry
  /** A ready `producer`-role connection (fails fast while Redis is away). */
  readonly redis: Redis
  /** Awaits job events under the prefix (BullMQ QueueEvents), made on first use. */
  readonly waiter: JobWaiter
  /** A new connection of `role`, closed with the harness. @defaultValue role 'worker' */
  connect(role?: 'producer' | 'worker'): Redis
  /** `factory` (e.g. `createOperations`) on the harness's registry, connections and prefix. */
  producer<P extends Closable>(factory: (deps: ProducerDeps) => P): P
  /** `start` (e.g. `startWorker`) with the harness's deps under `options`; closed with a 1 s grace. */
  worker<O, W extends { close(graceMs?: number): unknown }>(
    start: (options: O) => Promise<W>,
    options?: Omit<O, keyof WorkerDeps> & Partial<WorkerDeps>,
  ): Promise<W>
  /**
   * Child processes killed (SIGKILL, exit awaited) first when the harness closes: {@link spawn}
   * adds to it, and a test pushes those it started through its own helpers.
   */
  readonly processes: NodeProcess[]
  /** `node [nodeArgs] script [args]` (see `spawnNode`), added to {@link processes}. */
  spawn(...args: Parameters<typeof spawnNode>): NodeProcess
  /** A fresh scratch folder, removed with the harness. */
  scratchDir(): string
  /** Registers anything else to close with the harness; `name` is quoted if closing fails. */
  track<T>(name: string, value: T, close: (value: T) => unknown): T
  /** Closes everything made, newest first; deletes the prefix's keys unless `keepKeys`. */
  close(options?: { keepKeys?: boolean }): Promise<void>
}

const silent = createLogger({ level: 'silent' })

/**
 * Makes a harness and waits for its first connection. Most test files want {@link useHarness},
 * which calls this before each test (or the file) and closes it after.
 *
 * @throws Error when Redis is not ready within 10 s
 */
export async function createHarness(
  options: HarnessOptions & { target: string | RedisTarget },
): Promise<Harness> {
  const target: RedisTarget =
    typeof options.target === 'string'
      ? { kind: 'standalone', url: options.target }
      : options.target
  const unique = options.prefix ?? uniquePrefix(options.label)
  const prefix = options.hashTag ? `{${unique}}` : unique
  const made: { name: string; close: () => unknown }[] = []
  const track: Harness['track'] = (name, value, close) => {
    made.push({ name, close: () => close(value) })
    return value
  }
  const connect = (role: 'producer' | 'worker' = 'worker') =>
    track(`${role} connection`, createRedis({ target, role }), (redis) => redis.disconnect())
  // Not in `made`: the keys are deleted through it once everything else has closed.
  const redis = createRedis({ target, role: 'producer' })
  let waiter: JobWaiter | undefined
  const processes: NodeProcess[] = []
  const harness: Harness = {
    prefix,
    processes,
    target,
    redis,
    track,
    connect,
    get registry() {
      if (!options.registry) throw new Error('this harness was made without a registry')
      return options.registry
    },
    get waiter() {
      waiter ??= track('job waiter', new JobWaiter(target, prefix), (w) => w.close())
      return waiter
    },
    producer(factory) {
      const deps = { registry: harness.registry, connection: redis, prefix }
      const producer = closeOnce(factory({ ...deps, eventsConnection: connect() }))
      return track('producer', producer, (p) => p.close())
    },
    async worker(start, workerOptions) {
      const deps = { registry: harness.registry, connection: connect(), prefix, logger: silent }
      const worker = await start({ ...deps, ...workerOptions } as Parameters<typeof start>[0])
      return track('worker', closeOnce(worker), (w) => w.close(1_000))
    },
    spawn(...args) {
      const child = spawnNode(...args)
      processes.push(child)
      return child
    },
    scratchDir() {
      const dir = mkdtempSync(join(tmpdir(), `jobq-${options.label ?? 'test'}-`))
      return track(`scratch folder ${dir}`, dir, (d) => rmSync(d, { recursive: true, force: true }))
    },
    async close(closeOptions) {
      // Processes first: a worker process left running would write under the prefix meanwhile.
      await Promise.all(processes.splice(0).map((p) => (p.kill(), p.exited)))
      await closeAll(made, redis, prefix, closeOptions?.keepKeys ?? false)
    },
  }
  // 10 s: a cluster or a Sentinel set just started may take a few seconds to route.
  await waitForReady(redis, 10_000).catch((err: unknown) => {
    redis.disconnect()
    throw err
  })
  return harness
}

/**
 * Makes `value.close` answer every call after the first with the first call's promise: a test
 * may stop a worker itself (to assert on the stop) and the harness closes it again after.
 */
function closeOnce<T extends { close(...args: never[]): unknown }>(value: T): T {
  const close = value.close.bind(value)
  let closing: unknown
  value.close = (...args: never[]) => (closing ??= close(...args))
  return value
}

/** How long one thing may take to close: a close that hangs is reported, not waited on. */
const CLOSE_TIMEOUT_MS = 10_000

async function within(ms: number, work: unknown): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not close within ${ms} ms`)), ms)
  })
  try {
    await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}

/** Closes `made` newest first; every failure is named, and all are attempted. */
async function closeAll(
  made: { name: string; close: () => unknown }[],
  redis: Redis,
  prefix: string,
  keepKeys: boolean,
): Promise<void> {
  const failures: string[] = []
  for (const { name, close } of made.splice(0).reverse()) {
    try {
      await within(CLOSE_TIMEOUT_MS, close())
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`)
    }
  }
  // Keys last, once no worker can write more; a Redis the test stopped keeps its keys.
  if (!keepKeys && redis.status === 'ready') {
    await deletePrefix(redis, prefix).catch(() => undefined)
  }
  redis.disconnect()
  if (failures.length) throw new Error(`harness could not close: ${failures.join('; ')}`)
}
