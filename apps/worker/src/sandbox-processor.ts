import { createLogger, createSandboxProcessor } from '@jobq/queue-core'
import { loadEnv } from './env.js'
import { EXIT } from './exit-codes.js'
import { loadRegistry } from './load-registry.js'

// What BullMQ forks for a sandboxed queue: it only knows this file's URL (with `?queue=<name>`),
// so the child reads the same environment as its parent (fork inherits it) to find the same
// registry. Its handlers load while BullMQ starts the child: one that fails to load fails the
// start, and BullMQ replaces the child (see createSandboxProcessor).
const env = loadEnv()

// A child whose parent is gone (it exited, perhaps at its stop deadline) has nobody to report to:
// end now rather than finish a job whose outcome cannot be stored. The job's lock expires and
// the stalled check of a live worker returns it to its queue.
process.once('disconnect', () => process.exit(EXIT.forced))
const registry = await loadRegistry(env.JOBQ_REGISTRY)

/** The processor of the sandboxed queue named in this module's URL. */
export default await createSandboxProcessor(registry, {
  moduleUrl: import.meta.url,
  logger: createLogger({ level: env.LOG_LEVEL, name: 'worker-sandbox' }),
})
