/**
 * The only place the worker app reads `process.env`: the worker entry of `@jobq/queue-core`
 * validates it (`loadWorkerEnv`) and passes it on to pool processes.
 */
export const processEnv = (): Record<string, string | undefined> => process.env
