// The HTTP baseline: the least a Hono route can do to enqueue, no validation, no auth.
import { serve } from '@hono/node-server'
import { Queue } from 'bullmq'
import { Hono } from 'hono'
import { Redis } from 'ioredis'

const connection = new Redis(process.env.REDIS_URL!, {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
})
const queue = new Queue('default', { connection, prefix: process.env.JOBQ_PREFIX! })
queue.on('error', () => {})

const app = new Hono()
app.post('/v1/jobs/:name', async (c) => {
  const body = await c.req.json<{ data: unknown }>()
  const job = await queue.add(c.req.param('name'), body.data)
  return c.json({ id: job.id }, 202)
})
app.post('/v1/jobs/:name/bulk', async (c) => {
  const body = await c.req.json<{ items: { data: unknown }[] }>()
  const jobs = await queue.addBulk(
    body.items.map((item) => ({ name: c.req.param('name'), data: item.data })),
  )
  return c.json({ ids: jobs.map((job) => job.id) }, 202)
})

serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () =>
  process.send?.({ type: 'ready' }),
)
process.once('SIGTERM', () => process.exit(0))
