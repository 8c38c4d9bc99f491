/**
 * The zod contracts of every operation's input and output: the HTTP routes validate and document
 * from them, and the CLI and the client type from them. This entry (`@jobq/queue-core/contracts`)
 * pulls no BullMQ and no Redis client.
 */
export * from './problem.js'
export * from './integers.js'
export * from './jobs.js'
export * from './control.js'
export * from './queues.js'
export * from './fleet.js'
export * from './registry.js'
export * from './groups.js'
export * from './search.js'
export * from './audit.js'
export * from './dead-letters.js'
export * from './bulk.js'
export * from './job-logs.js'
