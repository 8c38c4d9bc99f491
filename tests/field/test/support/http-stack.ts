import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { registry } from '@jobq/jobs'
import {
  createLogger,
  createOperations,
  createRedis,
  waitForReady,
  type Operations,
  type Redis,
} from '@jobq/queue-core'
import { uniquePrefix } from '@jobq/queue-core/testing'
import { createApp, type AppDeps } from '../../../../apps/producer/src/app.js'

/** The producer's HTTP app on a real producer, against the Redis at `url`, under a fresh prefix. */
export interface HttpStack {
  app: ReturnType<typeof createApp>
  producer: Operations
  redis: Redis
  prefix: string
  /** Serves the app on a free loopback port; resolves with its base URL. */
  listen(): Promise<string>
  close(): Promise<void>
}

export async function httpStack(
  url: string,
  options: Partial<Pick<AppDeps, 'bodyLimitBytes' | 'bulkMax'>> & { prefix?: string } = {},
): Promise<HttpStack> {
  const prefix = options.prefix ?? uniquePrefix('field')
  const redis = createRedis({ url, role: 'producer' })
  const eventsRedis = createRedis({ url, role: 'worker' })
  await waitForReady(redis, 5_000)
  const producer = createOperations({
    registry,
    connection: redis,
    eventsConnection: eventsRedis,
    prefix,
  })
  const app = createApp({
    producer,
    registry,
    logger: createLogger({ level: 'silent' }),
    ...options,
  })
  let server: ReturnType<typeof serve> | undefined
  return {
    app,
    producer,
    redis,
    prefix,
    async listen() {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
      await new Promise((resolve) => server!.once('listening', resolve))
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    },
    async close() {
      server?.close()
      await producer.close()
      redis.disconnect()
      eventsRedis.disconnect()
    },
  }
}
