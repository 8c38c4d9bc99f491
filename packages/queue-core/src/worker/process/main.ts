import { ConfigError, UnknownQueueError } from '../../errors.js'
import { createLogger } from '../../logger.js'
import type { AnyRegistry } from '../../registry.js'
import { parseWorkerArgs, USAGE, WorkerUsageError, type WorkerArgs } from './args.js'
import { loadWorkerEnv, type WorkerEnv } from './env.js'
import { EXIT } from './exit-codes.js'
import { loadRegistry, type ImportModule } from './load-registry.js'
import { runPool } from './run-pool.js'
import { runWorker } from './run-worker.js'

/** What an app's worker entry hands to {@link runWorkerMain}. */
export interface WorkerMainOptions {
  /** The command line after the script: `[QUEUE...] [--concurrency N] [--processes N] ...`. */
  argv: string[]
  /** The environment (`process.env`): read once, validated, and passed on to pool processes. */
  env: Record<string, string | undefined>
  /** Imports the registry module (JOBQ_REGISTRY, default `@jobq/jobs`) from the app. */
  importModule: ImportModule
  /** The script a pool starts once per process (this entry's own file). */
  script: string
  /** The app's sandbox processor module (see `createSandboxProcessor`). */
  sandboxProcessor: string | URL
}

function fail(message: string, code: number): never {
  console.error(`jobq worker: ${message}`)
  process.exit(code)
}

/**
 * `jobq worker` / `jobq-worker`, whole: parses the command line and the environment, loads the
 * registry, then runs one worker or (`--processes N`) a pool of N, and ends the process with an
 * {@link EXIT} code: 0 stopped cleanly, 1 could not start, 2 usage, 3 stopped not cleanly.
 */
export async function runWorkerMain(options: WorkerMainOptions): Promise<void> {
  let args: WorkerArgs
  let env: WorkerEnv
  try {
    args = parseWorkerArgs(options.argv)
    env = loadWorkerEnv(options.env)
  } catch (err) {
    if (err instanceof WorkerUsageError) fail(`${err.message}\n\n${USAGE}`, EXIT.usage)
    if (err instanceof ConfigError) fail(err.message, EXIT.startFailed)
    throw err
  }
  if (args.help) {
    console.log(USAGE)
    process.exit(EXIT.clean)
  }
  const registry = await loadRegistryStoppable(env.JOBQ_REGISTRY, options.importModule)
  const queues = args.queues.length ? args.queues : env.JOBQ_QUEUES
  for (const queue of queues) {
    if (!registry.queues[queue]) {
      fail(new UnknownQueueError(queue, registry.queueNames).message, EXIT.usage)
    }
  }
  const processes = args.processes ?? env.JOBQ_PROCESSES
  if (processes > 1) process.exit(await runWorkerPool(options, args, env, processes))
  await runWorker(args, env, registry, options.sandboxProcessor)
}

/** Loads the registry; a stop while it loads (before the worker listens for stops) ends at once. */
async function loadRegistryStoppable(
  specifier: string,
  importModule: ImportModule,
): Promise<AnyRegistry> {
  // No job was taken yet: nothing to drain.
  const stopWhileLoading = (signal: NodeJS.Signals) => {
    console.error(`jobq worker: ${signal} while loading the registry: stopped`)
    process.exit(EXIT.clean)
  }
  process.once('SIGTERM', stopWhileLoading).once('SIGINT', stopWhileLoading)
  const registry = await loadRegistry(specifier, importModule)
  process.off('SIGTERM', stopWhileLoading).off('SIGINT', stopWhileLoading)
  return registry
}

/** Runs `processes` worker processes of this same script; resolves with the pool's exit code. */
function runWorkerPool(
  options: WorkerMainOptions,
  args: WorkerArgs,
  env: WorkerEnv,
  processes: number,
): Promise<number> {
  const port = env.WORKER_HTTP_PORT
  return runPool({
    processes,
    script: options.script,
    args: childArgs(args),
    // Each process serves its own probes and metrics: process i on WORKER_HTTP_PORT + i.
    envOf: (index) => ({
      ...options.env,
      JOBQ_PROCESSES: '1',
      ...(port && { WORKER_HTTP_PORT: String(port + index) }),
    }),
    logger: createLogger({ level: env.LOG_LEVEL, name: 'worker-pool' }),
    graceMs: args.graceMs ?? env.JOBQ_GRACE_MS,
  })
}

/** The command line of one pooled process: the same, without --processes. */
function childArgs(parsed: WorkerArgs): string[] {
  return [
    ...parsed.queues,
    ...(parsed.concurrency ? ['--concurrency', String(parsed.concurrency)] : []),
    ...(parsed.graceMs !== undefined ? ['--grace-ms', String(parsed.graceMs)] : []),
  ]
}
