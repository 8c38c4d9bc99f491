import { runWorkerMain } from '@jobq/queue-core/worker'
import { workerEnv } from './env.js'

// What `jobq worker` runs as its child process: the worker process of `@jobq/queue-core/worker`,
// loading its registry (JOBQ_REGISTRY, default @jobq/jobs) from this app's dependencies. Its own
// entry, so the CLI's process never evaluates handler code.
await runWorkerMain({
  argv: process.argv.slice(2),
  env: workerEnv({}),
  importModule: (specifier) => import(specifier),
  script: process.argv[1]!,
  sandboxProcessor: new URL('./sandbox-processor.js', import.meta.url),
})
