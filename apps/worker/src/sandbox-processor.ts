import { runSandboxMain } from '@jobq/queue-core/worker'
import { processEnv } from './env.js'

/** What BullMQ forks for a sandboxed queue: the processor of the queue named in this URL. */
export default await runSandboxMain({
  moduleUrl: import.meta.url,
  env: processEnv(),
  importModule: (specifier) => import(specifier),
})
