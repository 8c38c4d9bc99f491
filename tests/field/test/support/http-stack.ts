import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { registry } from '@jobq/jobs'
import { createLogger, createOperations } from '@jobq/queue-core'
import { createHarness, useHarness, type Harness } from '@jobq/queue-core/testing'
import { createHttp, type AppDeps } from '../../../../apps/producer/src/app.js'

type AppOptions = Partial<Pick<AppDeps, 'bodyLimitBytes' | 'bulkMax'>>

/** The producer's HTTP app on a real producer, on a harness (its Redis, its prefix). */
function withHttp(options: AppOptions) {
  return (h: Harness) => {
    const producer = h.producer(createOperations)
    const { app, listener } = createHttp({
      producer,
      registry,
      logger: createLogger({ level: 'silent' }),
      ...options,
    })
    return {
      app,
      producer,
      /** Serves the app as the producer does (fast lane first); resolves with its base URL. */
      async listen() {
        const server = createServer(listener).listen(0, '127.0.0.1')
        h.track('http server', server, (s) => {
          s.closeAllConnections()
          return new Promise((resolve) => s.close(resolve))
        })
        await new Promise((resolve) => server.once('listening', resolve))
        return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      },
    }
  }
}

/** The harness with the HTTP app on it; closed by the harness (`close()`). */
export type HttpStack = Omit<Harness, 'producer'> & ReturnType<ReturnType<typeof withHttp>>

/** Registers the hooks of an HTTP stack on the suite's Redis, per test (or `per: 'file'`). */
export function useHttpStack(options: AppOptions & { per?: 'test' | 'file' } = {}): HttpStack {
  const { per, ...app } = options
  return useHarness({ label: 'field', registry, per, extend: withHttp(app) })
}

/** An HTTP stack made now against the Redis at `url` (a private server a test breaks). */
export async function httpStack(
  url: string,
  options: AppOptions & { prefix?: string } = {},
): Promise<HttpStack> {
  const { prefix, ...app } = options
  const h = await createHarness({ label: 'field', registry, target: url, prefix })
  return Object.assign(h, withHttp(app)(h))
}
