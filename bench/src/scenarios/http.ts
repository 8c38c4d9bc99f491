import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import autocannon from 'autocannon'
import { freePort } from '@jobq/queue-core/redis-server'
import { startChild } from '../child.js'
import { until, type BenchContext } from '../context.js'

export type HttpMode = 'jobq' | 'hono'

const TOKEN = 'bench-token-0123456789abcdef'

/** A running HTTP enqueue server: the jobq producer (validation + auth on) or the bare baseline. */
async function startServer(ctx: BenchContext, mode: HttpMode, prefix: string) {
  const port = await freePort()
  const env = { REDIS_URL: ctx.redisUrl, JOBQ_PREFIX: prefix, PORT: String(port) }
  let stop: () => Promise<void>
  if (mode === 'hono') {
    const child = startChild(ctx.paths.honoChild, [], env)
    await child.next('ready')
    stop = () => child.stop()
  } else {
    const child: ChildProcess = spawn(process.execPath, [ctx.paths.producerMain], {
      env: {
        ...process.env,
        ...env,
        HOST: '127.0.0.1',
        NODE_ENV: 'production',
        JOBQ_API_TOKENS: TOKEN,
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    })
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok ?? false,
      50,
      30_000,
    )
    stop = async () => {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  }
  return {
    url: `http://127.0.0.1:${port}`,
    headers: {
      'content-type': 'application/json',
      ...(mode === 'jobq' && { authorization: `Bearer ${TOKEN}` }),
    },
    stop,
  }
}

/** autocannon: 50 connections POSTing one enqueue each, for `seconds`. */
export async function httpEnqueue(ctx: BenchContext, mode: HttpMode, seconds: number) {
  const prefix = await ctx.freshPrefix()
  const server = await startServer(ctx, mode, prefix)
  try {
    const result = await autocannon({
      url: `${server.url}/v1/jobs/demo.echo`,
      method: 'POST',
      headers: server.headers,
      body: JSON.stringify({ data: { n: 1 } }),
      connections: 50,
      duration: seconds,
    })
    if (result.non2xx || result.errors) {
      throw new Error(`${mode}: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
    }
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 }
  } finally {
    await server.stop()
  }
}

/**
 * Seconds to enqueue `count` jobs: one bulk POST to jobq vs `Queue.addBulk` direct, each timed
 * on its second bulk: the first warms the JIT (a producer just started took twice as long on
 * it), as a running producer and a running process calling `addBulk` are warm.
 */
export async function bulkEnqueue(ctx: BenchContext, mode: 'jobq' | 'direct', count: number) {
  const prefix = await ctx.freshPrefix()
  const items = Array.from({ length: count }, (_, n) => ({ data: { n } }))
  if (mode === 'direct') {
    const queue = ctx.queue('default', prefix)
    const add = () => queue.addBulk(items.map((item) => ({ name: 'demo.echo', data: item.data })))
    await add()
    const started = performance.now()
    await add()
    return (performance.now() - started) / 1_000
  }
  const server = await startServer(ctx, 'jobq', prefix)
  const post = async () => {
    const res = await fetch(`${server.url}/v1/jobs/demo.echo/bulk`, {
      method: 'POST',
      headers: server.headers,
      body: JSON.stringify({ items }),
    })
    if (res.status !== 202) throw new Error(`bulk answered ${res.status}: ${await res.text()}`)
    await res.arrayBuffer()
  }
  try {
    await post()
    const started = performance.now()
    await post()
    return (performance.now() - started) / 1_000
  } finally {
    await server.stop()
  }
}
