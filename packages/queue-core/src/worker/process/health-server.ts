import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import type { Metrics } from './metrics.js'

/** What the probes ask of the worker. */
export interface HealthState {
  /** True once every setup() has finished and the worker takes jobs, and Redis answers. */
  ready(): Promise<boolean>
}

/**
 * /healthz (the process answers), /readyz (200 only after every setup() has finished and while
 * Redis answers: Kubernetes sends no traffic, but a rollout waits on it) and /metrics.
 */
export function createHealthApp(state: HealthState, metrics: Metrics) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) =>
      (await state.ready())
        ? c.json({ status: 'ready' })
        : c.json(
            { status: 'unavailable', detail: 'starting, stopping, or redis does not answer' },
            503,
          ),
    )
    .get('/metrics', async (c) =>
      c.text(await metrics.registry.metrics(), 200, {
        'content-type': metrics.registry.contentType,
      }),
    )
}

/** Listens on `port`; resolves once listening. */
export async function listenHealth(
  app: ReturnType<typeof createHealthApp>,
  port: number,
  hostname: string,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, () => resolve(server))
    server.once('error', reject)
  })
}
