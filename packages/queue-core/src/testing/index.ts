/**
 * `@jobq/queue-core/testing`: the vitest-side helpers (the harness, the run's Redis URL, the job
 * waiter, the leak guard), and, re-exported, the runtime ones of `@jobq/queue-core/redis-server`
 * so a test imports from one place. Only tests import this entry; vitest is never bundled in it.
 *
 * @module
 */
export * from '../redis-server/index.js'
export { testRedisUrl } from './provided-context.js'
export { uniquePrefix, deletePrefix } from './helpers.js'
export { JobWaiter } from './job-waiter.js'
export type { JobOutcome } from './job-waiter.js'
export { createHarness } from './harness.js'
export type { Harness, HarnessOptions, ProducerDeps, WorkerDeps, Closable } from './harness.js'
export { useHarness } from './use-harness.js'
export type { UseHarnessOptions } from './use-harness.js'
export { assertNoLeaks, describeHandle, leftOpen, openHandles } from './leak-guard.js'
export type { HandleSnapshot } from './leak-guard.js'
