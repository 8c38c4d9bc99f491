import { runWorkerMain } from '@jobq/queue-core/worker'
import { processEnv } from './env.js'

// `jobq-worker [QUEUE...]`: the worker process of `@jobq/queue-core/worker`, loading its registry
// (JOBQ_REGISTRY, default @jobq/jobs) from this app's dependencies. Built, this file sits beside
// dist/sandbox-processor.js; under tsx (dev) beside the .ts source.
await runWorkerMain({
  argv: process.argv.slice(2),
  env: processEnv(),
  importModule: (specifier) => import(specifier),
  script: process.argv[1]!,
  sandboxProcessor: new URL(
    `./sandbox-processor${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
    import.meta.url,
  ),
})
