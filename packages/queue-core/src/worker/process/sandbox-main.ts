import { createLogger } from '../../logger.js'
import { createSandboxProcessor, type SandboxProcessor } from '../sandbox.js'
import { loadWorkerEnv } from './env.js'
import { EXIT } from './exit-codes.js'
import { loadRegistry, type ImportModule } from './load-registry.js'

/** What an app's sandbox processor module hands to {@link runSandboxMain}. */
export interface SandboxMainOptions {
  /** The module's own `import.meta.url` (BullMQ adds `?queue=<name>` to it). */
  moduleUrl: string
  /** The environment (`process.env`, inherited from the worker that forked this child). */
  env: Record<string, string | undefined>
  importModule: ImportModule
}

/**
 * The processor of a sandboxed queue's child process, for an app's module to default-export:
 * BullMQ forks that module knowing only its URL (with `?queue=<name>`), so the child reads the
 * same environment as its parent (fork inherits it) to find the same registry. Its handlers
 * load while BullMQ starts the child: one that fails to load fails the start, and BullMQ
 * replaces the child (see createSandboxProcessor).
 */
export async function runSandboxMain(options: SandboxMainOptions): Promise<SandboxProcessor> {
  const env = loadWorkerEnv(options.env)
  // A child whose parent is gone (it exited, perhaps at its stop deadline) has nobody to report
  // to: end now rather than finish a job whose outcome cannot be stored. The job's lock expires
  // and the stalled check of a live worker returns it to its queue.
  process.once('disconnect', () => process.exit(EXIT.forced))
  const registry = await loadRegistry(env.JOBQ_REGISTRY, options.importModule)
  return createSandboxProcessor(registry, {
    moduleUrl: options.moduleUrl,
    logger: createLogger({ level: env.LOG_LEVEL, name: 'worker-sandbox' }),
  })
}
