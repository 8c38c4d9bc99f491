import { runSandboxMain } from '@jobq/queue-core/worker'
import { workerEnv } from './env.js'

/** What BullMQ forks for a sandboxed queue of `jobq worker`: the processor of the queue in this URL. */
export default await runSandboxMain({
  moduleUrl: import.meta.url,
  env: workerEnv({}),
  importModule: (specifier) => import(specifier),
})
