import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import type { Logger, Producer } from '@jobq/queue-core'
import type { AppRegistry } from '@jobq/jobs'
import { handleError } from './errors.js'
import { problem } from './problem.js'
import { healthRoutes } from './routes/health.js'
import { jobRoutes } from './routes/jobs.js'
import { queueRoutes } from './routes/queues.js'
import { scheduleRoutes } from './routes/schedules.js'
import { workerRoutes } from './routes/workers.js'

/** What the app needs; `main.ts` builds them from the environment, tests from a test Redis. */
export interface AppDeps {
  producer: Producer
  registry: AppRegistry
  logger: Logger
  /** @defaultValue 1 MiB */
  bodyLimitBytes?: number
}

/** Builds the HTTP API. Listening is `main.ts`'s job, so tests call `app.request()` directly. */
export function createApp({ producer, registry, logger, bodyLimitBytes = 1024 * 1024 }: AppDeps) {
  const app = new Hono()
  app.use(requestId())
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: bodyLimitBytes,
      onError: (c) => problem(c, 413, 'too-large', `the body is over ${bodyLimitBytes} bytes`),
    }),
  )
  app.route('/', healthRoutes(producer))
  app.route('/v1/jobs', jobRoutes(producer, registry))
  app.route('/v1/queues', queueRoutes(producer))
  app.route('/v1/workers', workerRoutes(producer))
  app.route('/v1/schedules', scheduleRoutes(producer))
  app.notFound((c) => problem(c, 404, 'no-route', `no route for ${c.req.method} ${c.req.path}`))
  app.onError(handleError(logger))
  return app
}
