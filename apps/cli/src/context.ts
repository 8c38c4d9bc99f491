import { registry } from '@jobq/jobs'
import {
  createOperations,
  createRedis,
  redisTargetOf,
  redisTlsOf,
  waitForReady,
  type Operations,
  type Redis,
  type RedisTarget,
} from '@jobq/queue-core'
import { loadEnv, type ConnectionFlags } from './env.js'
import { CommandFailedError } from './errors.js'

/** What a command works with: the registry and a ops on the configured Redis. */
export interface CliContext {
  registry: typeof registry
  ops: Operations
  prefix: string
  close(): Promise<void>
}

/** Connects (fails within 5 s, naming the Redis it tried), and builds the ops. */
export async function openContext(
  flags: ConnectionFlags,
  options: { events?: boolean } = {},
): Promise<CliContext> {
  const env = loadEnv(flags)
  const target = redisTargetOf(env)
  const tls = redisTlsOf(env)
  const redis = createRedis({ target, role: 'producer', tls })
  const events: Redis | undefined = options.events
    ? createRedis({ target, role: 'worker', tls })
    : undefined
  try {
    await waitForReady(redis, 5_000)
  } catch {
    redis.disconnect()
    events?.disconnect()
    throw new CommandFailedError(`cannot reach Redis at ${describe(target)}`)
  }
  const ops = createOperations({
    registry,
    connection: redis,
    prefix: env.JOBQ_PREFIX,
    idempotencyTtlMs: env.JOBQ_IDEMPOTENCY_TTL_MS,
    ...(events && { eventsConnection: events }),
  })
  return {
    registry,
    ops,
    prefix: env.JOBQ_PREFIX,
    async close() {
      await ops.close()
      redis.disconnect()
      events?.disconnect()
    },
  }
}

/** Where the CLI looked for Redis, for messages (never with the password). */
function describe(target: RedisTarget): string {
  if (target.kind === 'standalone') return redact(target.url)
  const nodes = target.kind === 'sentinel' ? target.sentinels : target.nodes
  return `${target.kind} ${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(
    /\/\/([^@/]*)@/,
    (_, auth: string) => `//${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`,
  )
}
