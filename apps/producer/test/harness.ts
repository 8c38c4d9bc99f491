import type { AddressInfo } from 'node:net'
import { createServer, type Server } from 'node:http'
import { registry } from '@jobq/jobs'
import { createLogger, createOperations, startWorker } from '@jobq/queue-core'
import {
  createHarness,
  testRedisUrl,
  useHarness,
  type Harness as CoreHarness,
} from '@jobq/queue-core/testing'
import { createHttp, type AppDeps } from '../src/app.js'

const logger = createLogger({ level: 'silent' })

/** What the app takes besides its producer: the limits some route tests tighten. */
export type AppOptions = Partial<Pick<AppDeps, 'bodyLimitBytes' | 'bulkMax' | 'apiTokens'>>

/**
 * The producer app on the shared harness (`@jobq/queue-core/testing`): a real producer under the
 * harness's prefix, the Hono app on it, and the helpers HTTP tests use. Everything it opens is
 * tracked by the harness and closed with it.
 */
function withApp(options: AppOptions) {
  return (h: CoreHarness) => {
    const producer = h.producer(createOperations)
    // Every response of every route test is checked against its documented schema; a mismatch
    // fails the test when the harness closes (apps/producer/src/openapi/response-check.ts).
    const mismatches = h.track(
      'responses checked against the OpenAPI document',
      [] as string[],
      (m) => {
        if (m.length) throw new Error(`responses off their schema:\n${m.join('\n')}`)
      },
    )
    const { app, listener } = createHttp({
      producer,
      registry,
      logger,
      checkResponses: (m) => mismatches.push(m),
      ...options,
    })
    return {
      app,
      /** POSTs JSON (or a raw string) the way a client would. */
      post(path: string, body: unknown, headers: Record<string, string> = {}) {
        return app.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        })
      },
      /** Runs an in-process worker (handlers from @jobq/jobs) for some or all queues. */
      startWorker: (queues?: string[]) => h.worker(startWorker, { queues }),
      /**
       * Serves the app on a free loopback port as the producer does (behind the enqueue's fast
       * lane), for clients that need a real socket.
       */
      async listen(): Promise<string> {
        const server = createServer(listener).listen(0, '127.0.0.1')
        h.track('http server', server, closeServer)
        await new Promise((resolve) => server.once('listening', resolve))
        return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      },
      /** Total jobs in a queue, whatever their state. */
      async jobCount(queue: string) {
        const counts = await h.waiter.counts(queue)
        return Object.values(counts).reduce((a, b) => a + b, 0)
      },
    }
  }
}

/** Stops listening and ends open connections (a watch stream would keep `close` waiting). */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

/** The harness with the producer app on it. */
export type Harness = CoreHarness & ReturnType<ReturnType<typeof withApp>>

/**
 * Registers the hooks that make the app harness before each test (`per: 'file'`: once) and close
 * it after; read its fields inside tests and hooks.
 */
export function useAppHarness(options: AppOptions & { per?: 'test' | 'file' } = {}): Harness {
  const { per, ...app } = options
  return useHarness({ label: 'producer', registry, per, extend: withApp(app) })
}

/** One app harness made now, on `redisUrl` (a server the test starts); close it with `close()`. */
export async function createAppHarness(
  options: AppOptions & { redisUrl?: string } = {},
): Promise<Harness> {
  const { redisUrl, ...app } = options
  const h = await createHarness({ label: 'producer', registry, target: redisUrl ?? testRedisUrl() })
  return Object.assign(h, withApp(app)(h))
}
