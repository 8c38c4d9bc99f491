import {
  baseEnvShape,
  ConfigError,
  idempotencyEnvShape,
  intEnv,
  listEnv,
  optionalIntEnv,
  parseEnv,
  redisTlsOf,
  tracingEnvShape,
} from '@jobq/queue-core'
import { z } from 'zod'
import { loadTokens } from './access/token-env.js'

const producerEnvShape = {
  ...baseEnvShape,
  /** How long an idempotency key (`options.jobId`) is remembered, in ms (default 24 h). */
  ...idempotencyEnvShape,
  /** Traces over OTLP (README "Traces"); off unless OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  ...tracingEnvShape,
  NODE_ENV: z.string().default('development'),
  PORT: intEnv(1, 65_535, 3_000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Largest request body accepted, in bytes; larger ones get 413. */
  JOBQ_BODY_LIMIT_BYTES: intEnv(1_024, 100 * 1024 * 1024, 1024 * 1024),
  /** Most items one bulk request may carry. */
  JOBQ_BULK_MAX: intEnv(1, 1_000_000, 10_000),
  /**
   * Stamps each job with its own count of completed jobs kept per queue, overriding the
   * workers' `JOBQ_KEEP_COMPLETED`; unset = the workers decide and jobs stay smaller.
   */
  JOBQ_KEEP_COMPLETED: optionalIntEnv(0, 10_000_000),
  /**
   * Comma-separated bearer tokens, each `<name>:<scope>+<scope>[@<queue>|<queue>]:<token>` or a
   * bare `<token>` (every scope); when set, /v1, /ui and /metrics need one of them (README,
   * "Access scopes").
   */
  JOBQ_API_TOKENS: listEnv,
  /** A file of more tokens, one entry per line, `#` comments. */
  JOBQ_API_TOKENS_FILE: z.string().min(1).optional(),
}

export type ProducerEnv = ReturnType<typeof loadEnv>

/** The only place the producer reads `process.env`; throws `ConfigError` naming bad variables. */
export function loadEnv(source: Record<string, string | undefined> = process.env) {
  const env = parseEnv(producerEnvShape, source)
  const apiTokens = loadTokens(env.JOBQ_API_TOKENS, env.JOBQ_API_TOKENS_FILE)
  if (env.NODE_ENV === 'production' && apiTokens.length === 0) {
    // An open job API in production lets anyone run any job: refuse rather than guess.
    throw new ConfigError([
      {
        path: 'JOBQ_API_TOKENS',
        message: 'is required when NODE_ENV=production (or JOBQ_API_TOKENS_FILE)',
      },
    ])
  }
  return { ...env, apiTokens, redisTls: redisTlsOf(env) }
}
