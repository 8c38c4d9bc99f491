import { Redis } from 'ioredis'
import type { Logger } from './logger.js'

export type { Redis }

/**
 * Who uses the connection. BullMQ's production guide: a producer fails fast while Redis is away
 * (so an HTTP caller gets a 503 at once, not a hung request); a worker waits and retries forever.
 */
export type RedisRole = 'producer' | 'worker'

/** TLS settings for a `rediss://` URL (see `redisTlsOf` for reading them from the env). */
export interface RedisTlsOptions {
  /** PEM certificate(s) of the CA that signed Redis's certificate. @defaultValue Node's CAs */
  ca?: string
  /** False accepts any certificate (encrypted, not verified). @defaultValue true */
  rejectUnauthorized?: boolean
}

/** Options of {@link createRedis}. */
export interface RedisConnectionOptions {
  url: string
  role: RedisRole
  logger?: Logger
  /** Only for `rediss://` URLs. */
  tls?: RedisTlsOptions
}

/** Opens an ioredis connection tuned for its role, with an `error` listener attached. */
export function createRedis({ url, role, logger, tls }: RedisConnectionOptions): Redis {
  const redis = new Redis(url, {
    connectionName: `jobq-${role}`,
    ...(tls && url.startsWith('rediss://') && { tls }),
    // Reconnect forever with a capped backoff: a restarted Redis is picked up without a restart.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 10), 5_000),
    ...(role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
      : { maxRetriesPerRequest: null }),
  })
  // Unhandled 'error' events would crash the process; reconnects are ioredis's job.
  let lastLogged = 0
  redis.on('error', (err: Error) => {
    const now = Date.now()
    if (now - lastLogged < 5_000) return // one line per 5 s while Redis is down, not hundreds
    lastLogged = now
    logger?.warn({ err: err.message, role }, 'redis connection error')
  })
  return redis
}

/** Resolves once the connection is ready, or rejects after `timeoutMs`. */
export async function waitForReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady)
      reject(new Error(`redis not ready after ${timeoutMs} ms`))
    }, timeoutMs)
    const onReady = () => {
      clearTimeout(timer)
      resolve()
    }
    redis.once('ready', onReady)
  })
}
