import { baseEnvShape, idempotencyEnvShape, parseEnv } from '@jobq/queue-core'

/** What the CLI reads: the connection, and the idempotency window `jobq enqueue --job-id` uses. */
const cliEnvShape = { ...baseEnvShape, ...idempotencyEnvShape }

/** Global options that stand in for environment variables. */
export interface ConnectionFlags {
  redisUrl?: string
  prefix?: string
}

/**
 * The only place the CLI reads `process.env`. Flags win over variables; a bad or missing value
 * throws `ConfigError` naming it.
 */
export function loadEnv(flags: ConnectionFlags, source = process.env) {
  return parseEnv(cliEnvShape, {
    ...source,
    ...(flags.redisUrl && { REDIS_URL: flags.redisUrl }),
    ...(flags.prefix && { JOBQ_PREFIX: flags.prefix }),
  })
}

/** Variables the worker subprocess needs, with the flags applied. */
export function workerEnv(flags: ConnectionFlags): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...(flags.redisUrl && { REDIS_URL: flags.redisUrl }),
    ...(flags.prefix && { JOBQ_PREFIX: flags.prefix }),
  }
}

/** True when stdin and stdout are a terminal: only then may the CLI ask questions. */
export const interactive = () => Boolean(process.stdin.isTTY && process.stdout.isTTY)
