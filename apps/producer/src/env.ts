import { baseEnvShape, intEnv, parseEnv } from '@jobq/queue-core'
import { z } from 'zod'

const producerEnvShape = {
  ...baseEnvShape,
  PORT: intEnv(1, 65_535, 3_000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Largest request body accepted, in bytes; larger ones get 413. */
  JOBQ_BODY_LIMIT_BYTES: intEnv(1_024, 100 * 1024 * 1024, 1024 * 1024),
}

export type ProducerEnv = ReturnType<typeof loadEnv>

/** The only place the producer reads `process.env`; throws `ConfigError` naming bad variables. */
export function loadEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv(producerEnvShape, source)
}
