import { createLogger, createSandboxProcessor } from '@jobq/queue-core'
import { loadEnv } from './env.js'
import { loadRegistry } from './load-registry.js'

// What BullMQ forks for a sandboxed queue: it only knows this file's path, so the child reads
// the same environment as its parent (fork inherits it) to find the same registry.
const env = loadEnv()
const registry = await loadRegistry(env.JOBQ_REGISTRY)

/** The processor of every sandboxed queue. */
export default createSandboxProcessor(registry, {
  logger: createLogger({ level: env.LOG_LEVEL, name: 'worker-sandbox' }),
})
