import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { HonoAdapter } from '@bull-board/hono'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Hono } from 'hono'
import type { Producer } from '@jobq/queue-core'
import type { AppRegistry } from '@jobq/jobs'

/** GET /ui: bull-board over every registry queue (retry, promote, remove, clean from the page). */
export function dashboard(producer: Producer, registry: AppRegistry): Hono {
  const adapter = new HonoAdapter(serveStatic).setBasePath('/ui')
  createBullBoard({
    queues: registry.queueNames.map((name) => new BullMQAdapter(producer.queue(name))),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'jobq' } },
  })
  refusalsToApp(adapter, producer)
  const plugin = adapter.registerPlugin()
  // bull-board's Hono is the CommonJS build, whose default error handler is another function
  // than ours: mounted as it is, it would answer 500 text/plain itself. Rethrow to the app's.
  plugin.onError((err) => {
    throw err
  })
  return plugin
}

type ErrorHandler = Parameters<HonoAdapter['setErrorHandler']>[0]

/**
 * bull-board answers every error of its API itself, as a 500. A Redis that is away or refuses
 * (full, read-only, busy, …) is rethrown instead, so the app's one error handler answers it like
 * every other route: the mapped problem (503, or 507 when full) with `Retry-After`.
 */
function refusalsToApp(adapter: HonoAdapter, producer: Producer): void {
  const own = (adapter as unknown as { errorHandler: ErrorHandler }).errorHandler
  adapter.setErrorHandler((err) => {
    const backend = producer.explainBackendError(err)
    if (backend) throw backend
    return own(err)
  })
}
