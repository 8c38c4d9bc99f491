import { Cluster, Redis as IORedis, type ClusterOptions, type RedisOptions } from 'ioredis'
import type { Logger } from './logger.js'
import type { RedisTarget } from './redis-target.js'

/**
 * A connection to Redis: one server or a Sentinel-managed primary (both `ioredis.Redis`), or a
 * cluster (`ioredis.Cluster`). BullMQ takes either; jobq's own commands (records, cancel,
 * durations) run unchanged on both because every key shares the prefix's hash tag.
 */
export type Redis = IORedis | Cluster

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

/** Options of {@link createRedis}: `target` (from `redisTargetOf(env)`) or a plain `url`. */
export interface RedisConnectionOptions {
  target?: RedisTarget
  /** Shorthand for `target: { kind: 'standalone', url }`. */
  url?: string
  role: RedisRole
  logger?: Logger
  /** Only for `rediss://` URLs. */
  tls?: RedisTlsOptions
}

// Reconnect forever with a capped backoff: a restarted Redis is picked up without a restart.
const retryStrategy = (times: number) => Math.min(100 * 2 ** Math.min(times, 10), 5_000)

/** Opens an ioredis connection tuned for its role and topology, with an `error` listener. */
export function createRedis({ target, url, role, logger, tls }: RedisConnectionOptions): Redis {
  const resolved = target ?? (url ? { kind: 'standalone' as const, url } : undefined)
  if (!resolved) throw new Error('createRedis needs a target (redisTargetOf(env)) or a url')
  const redis = open(resolved, role, tls)
  let lastLogged = 0
  redis.on('error', (err: Error) => {
    // Unhandled 'error' events would crash the process; reconnects are ioredis's job.
    const now = Date.now()
    if (now - lastLogged < 5_000) return // one line per 5 s while Redis is down, not hundreds
    lastLogged = now
    logger?.warn({ err: err.message, role, topology: resolved.kind }, 'redis connection error')
  })
  return redis
}

function open(target: RedisTarget, role: RedisRole, tls: RedisTlsOptions | undefined): Redis {
  const roleOptions: RedisOptions =
    role === 'producer'
      ? // No auto-pipelining: under 50 concurrent HTTP enqueues it held each command back to
        // share a write with the others, 0.61 of the bare route's req/s against 0.79 without it,
        // and the bulk was no faster with it (bench/RESULTS.md, sixth session).
        { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
      : { maxRetriesPerRequest: null }
  const common: RedisOptions = { connectionName: `jobq-${role}`, retryStrategy, ...roleOptions }
  if (target.kind === 'standalone') {
    return new IORedis(target.url, {
      ...common,
      ...(tls && target.url.startsWith('rediss://') && { tls }),
    })
  }

  const auth = credentialsOf(target.url)
  // A private CA or an unverified certificate (REDIS_TLS_*) applies to every node.
  if (auth.tls && tls) auth.tls = tls
  if (target.kind === 'sentinel') {
    return new IORedis({
      ...common,
      ...auth,
      sentinels: target.sentinels,
      name: target.name,
      // Sentinels and the data nodes share TLS or not (one rediss:// switch for both).
      enableTLSForSentinelMode: !!auth.tls,
      sentinelRetryStrategy: retryStrategy,
      // Subscribe to +switch-master so a failover is followed at once, not at the next error.
      failoverDetector: true,
      // A demoted primary answers writes with READONLY: reconnect (re-asking the sentinels).
      reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
    })
  }
  const { db: _db, ...nodeAuth } = auth
  const clusterOptions: ClusterOptions = {
    redisOptions: {
      connectionName: common.connectionName,
      ...nodeAuth,
      maxRetriesPerRequest: roleOptions.maxRetriesPerRequest,
    },
    enableOfflineQueue: role !== 'producer',
    clusterRetryStrategy: retryStrategy,
    // While a replica is promoted the slots answer CLUSTERDOWN / TRYAGAIN: retry soon.
    retryDelayOnClusterDown: 200,
    retryDelayOnFailover: 200,
  }
  return new Cluster(target.nodes, clusterOptions)
}

/** User, password, db and TLS from a redis:// URL; its host and port are not used here. */
function credentialsOf(url: string | undefined): RedisOptions {
  if (!url) return {}
  const parsed = new URL(url)
  const db = Number(parsed.pathname.slice(1) || 0)
  return {
    ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
    ...(db && { db }),
    ...(parsed.protocol === 'rediss:' && { tls: {} }),
  }
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
