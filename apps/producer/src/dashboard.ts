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
  return adapter.registerPlugin()
}
