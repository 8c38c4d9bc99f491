import { readFileSync } from 'node:fs'
import { z } from 'zod'
import type { RedisTlsOptions } from './connection.js'
import { ConfigError } from './errors.js'
import { hostPortListEnv, redisTopologyIssues } from './redis-target.js'
import { toIssues } from './validation.js'
import { wholeNumber } from './contracts/integers.js'

/**
 * The variables every jobq process reads: where Redis is and how keys are named. Redis is one of
 * REDIS_URL (a single server), REDIS_SENTINELS + REDIS_SENTINEL_NAME (a Sentinel set) or
 * REDIS_CLUSTER_NODES (a cluster); with the last two, REDIS_URL may still carry the password and
 * TLS. `redisTargetOf(env)` turns them into what `createRedis` takes.
 */
export const baseEnvShape = {
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** Sentinels to ask where the primary is: `host:port,host:port`. */
  REDIS_SENTINELS: hostPortListEnv,
  /** The master name the sentinels monitor (`sentinel monitor <name> …`). */
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, _ . -')
    .optional(),
  /** Some cluster nodes (any; the rest are discovered): `host:port,host:port`. */
  REDIS_CLUSTER_NODES: hostPortListEnv,
  JOBQ_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}.-]{1,64}$/, 'must be 1-64 letters, digits, _ . - { }')
    .default('jobq'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** PEM file of the CA that signed Redis's certificate (a private CA), for `rediss://`. */
  REDIS_TLS_CA_FILE: z.string().optional(),
  /** `true` accepts any certificate Redis shows (still encrypted, not verified): tests only. */
  REDIS_TLS_INSECURE: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
}

/**
 * The TLS options of {@link createRedis} that `REDIS_TLS_CA_FILE` and `REDIS_TLS_INSECURE` ask
 * for, with the CA read from its file; undefined for a plain `redis://` URL. Throws
 * {@link ConfigError} for TLS settings without a `rediss://` URL, or a CA file that is not a
 * readable PEM certificate.
 */
export function redisTlsOf(env: {
  REDIS_URL?: string | undefined
  REDIS_TLS_CA_FILE?: string | undefined
  REDIS_TLS_INSECURE: boolean
}): RedisTlsOptions | undefined {
  const { REDIS_URL: url, REDIS_TLS_CA_FILE: caFile, REDIS_TLS_INSECURE: insecure } = env
  if (!url?.startsWith('rediss://')) {
    const path = caFile ? 'REDIS_TLS_CA_FILE' : insecure ? 'REDIS_TLS_INSECURE' : undefined
    if (path) throw new ConfigError([{ path, message: 'needs a rediss:// REDIS_URL (TLS)' }])
    return undefined
  }
  if (!caFile) return { rejectUnauthorized: !insecure }
  let ca: string
  try {
    ca = readFileSync(caFile, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new ConfigError([
      { path: 'REDIS_TLS_CA_FILE', message: `cannot read ${caFile} (${code})` },
    ])
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError([
      { path: 'REDIS_TLS_CA_FILE', message: `${caFile} is not a PEM certificate` },
    ])
  }
  return { ca, rejectUnauthorized: !insecure }
}

/** An integer env var with bounds, e.g. `intEnv(1, 65535, 3000)` for a port (see {@link wholeNumber}). */
export function intEnv(min: number, max: number, fallback: number) {
  return optionalIntEnv(min, max).default(fallback)
}

/** An integer env var with bounds that may be left unset (undefined); `noun` names it in messages. */
export function optionalIntEnv(min: number, max: number, noun?: string) {
  return wholeNumber({ min, max, noun }).optional()
}

/** A comma-separated list env var, e.g. `default,big_file`. */
export const listEnv = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )

/**
 * Validates `source` (normally `process.env`) against a shape. Empty strings count as unset, so
 * `PORT=` falls back to the default rather than failing. Throws {@link ConfigError} naming every
 * bad variable.
 */
export function parseEnv<S extends z.ZodRawShape>(
  shape: S,
  source: Record<string, string | undefined>,
): z.output<z.ZodObject<S>> {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''))
  const parsed = z.object(shape).safeParse(present)
  const issues = parsed.success ? [] : toIssues(parsed.error)
  // Which topology: a check across variables, so it runs wherever the base shape is used.
  if ('REDIS_URL' in shape) issues.push(...redisTopologyIssues(present))
  if (!parsed.success || issues.length) throw new ConfigError(issues)
  return parsed.data
}
