// @jobq/queue-core/worker: the worker process (`jobq-worker`, `jobq worker`) for an app's entry
// to run: command line, environment, pool, health server, metrics, stop. The runtime it starts
// (`startWorker`) is the main entry's.
export { parseWorkerArgs, USAGE, WorkerUsageError } from './args.js'
export type { WorkerArgs } from './args.js'
export { loadWorkerEnv } from './env.js'
export type { WorkerEnv } from './env.js'
export { EXIT, STOP_MARGIN_MS } from './exit-codes.js'
export type { ImportModule } from './load-registry.js'
export { runPool } from './run-pool.js'
export type { PoolOptions } from './run-pool.js'
export { runWorkerMain } from './main.js'
export type { WorkerMainOptions } from './main.js'
export { runSandboxMain } from './sandbox-main.js'
export type { SandboxMainOptions } from './sandbox-main.js'
