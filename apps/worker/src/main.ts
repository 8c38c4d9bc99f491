import { ConfigError, createLogger, UnknownQueueError } from '@jobq/queue-core'
import { parseWorkerArgs, USAGE, UsageError, type WorkerArgs } from './args.js'
import { childEnv, loadEnv } from './env.js'
import { EXIT } from './exit-codes.js'
import { loadRegistry } from './load-registry.js'
import { runPool } from './run-pool.js'
import { runWorker } from './run-worker.js'

function fail(message: string, code: number): never {
  console.error(`jobq worker: ${message}`)
  process.exit(code)
}

let args
let env
try {
  args = parseWorkerArgs(process.argv.slice(2))
  env = loadEnv()
} catch (err) {
  if (err instanceof UsageError) fail(`${err.message}\n\n${USAGE}`, 2)
  if (err instanceof ConfigError) fail(err.message, 1)
  throw err
}
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}

// A stop while the registry loads (before the worker listens for stops): no job was taken yet.
const stopWhileLoading = (signal: NodeJS.Signals) => {
  console.error(`jobq worker: ${signal} while loading the registry: stopped`)
  process.exit(EXIT.clean)
}
process.once('SIGTERM', stopWhileLoading).once('SIGINT', stopWhileLoading)
const registry = await loadRegistry(env.JOBQ_REGISTRY)
process.off('SIGTERM', stopWhileLoading).off('SIGINT', stopWhileLoading)
const queues = args.queues.length ? args.queues : env.JOBQ_QUEUES
for (const queue of queues) {
  if (!registry.queues[queue]) fail(new UnknownQueueError(queue, registry.queueNames).message, 2)
}

const processes = args.processes ?? env.JOBQ_PROCESSES
if (processes > 1) {
  const port = env.WORKER_HTTP_PORT
  const code = await runPool({
    processes,
    script: process.argv[1]!,
    args: childArgs(args),
    // Each process serves its own probes and metrics: process i on WORKER_HTTP_PORT + i.
    envOf: (index) =>
      childEnv({ JOBQ_PROCESSES: '1', ...(port && { WORKER_HTTP_PORT: String(port + index) }) }),
    logger: createLogger({ level: env.LOG_LEVEL, name: 'worker-pool' }),
    graceMs: args.graceMs ?? env.JOBQ_GRACE_MS,
  })
  process.exit(code)
} else {
  await runWorker(args, env, registry)
}

/** The command line of one pooled process: the same, without --processes. */
function childArgs(parsed: WorkerArgs): string[] {
  return [
    ...parsed.queues,
    ...(parsed.concurrency ? ['--concurrency', String(parsed.concurrency)] : []),
    ...(parsed.graceMs !== undefined ? ['--grace-ms', String(parsed.graceMs)] : []),
  ]
}
