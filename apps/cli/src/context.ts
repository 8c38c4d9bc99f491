import { registry } from '@jobq/jobs'
import {
  createProducer,
  createRedis,
  waitForReady,
  type Producer,
  type Redis,
} from '@jobq/queue-core'
import { loadEnv, type ConnectionFlags } from './env.js'
import { CommandFailedError } from './errors.js'

/** What a command works with: the registry and a producer on the configured Redis. */
export interface CliContext {
  registry: typeof registry
  producer: Producer
  prefix: string
  close(): Promise<void>
}

/** Connects (fails within 5 s, naming the Redis it tried), and builds the producer. */
export async function openContext(
  flags: ConnectionFlags,
  options: { events?: boolean } = {},
): Promise<CliContext> {
  const env = loadEnv(flags)
  const redis = createRedis({ url: env.REDIS_URL, role: 'producer' })
  const events: Redis | undefined = options.events
    ? createRedis({ url: env.REDIS_URL, role: 'worker' })
    : undefined
  try {
    await waitForReady(redis, 5_000)
  } catch {
    redis.disconnect()
    events?.disconnect()
    throw new CommandFailedError(`cannot reach Redis at ${redact(env.REDIS_URL)}`)
  }
  const producer = createProducer({
    registry,
    connection: redis,
    prefix: env.JOBQ_PREFIX,
    ...(events && { eventsConnection: events }),
  })
  return {
    registry,
    producer,
    prefix: env.JOBQ_PREFIX,
    async close() {
      await producer.close()
      redis.disconnect()
      events?.disconnect()
    },
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(
    /\/\/([^@/]*)@/,
    (_, auth: string) => `//${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`,
  )
}
