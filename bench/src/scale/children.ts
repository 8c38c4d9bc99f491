// Starting the scale scenarios' processes: worker children, and the real producer and CLI with
// the scale registry in place of @jobq/jobs (preload.ts).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { freePort } from '@jobq/queue-core/redis-server'
import { startChild, type Child } from '../child.js'
import { until, type BenchContext } from '../context.js'

export type Side = 'jobq' | 'bullmq'

// Bundled, this code runs from a file at dist/'s top (main.js or a chunk): paths from there.
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))
const preload = here('./scale/preload.js')
const cliMain = here('../../apps/cli/dist/main.js')
export const enqueueChild = here('./scale/enqueue-child.js')
const TOKEN = 'bench-token-0123456789abcdef'

/** A worker process serving `queues` scale queues; resolves once it takes jobs. */
export async function startScaleWorker(
  ctx: BenchContext,
  side: Side,
  prefix: string,
  queues: number,
  concurrency = 1,
): Promise<Child> {
  const child = startChild(here('./scale/worker-child.js'), [side, String(concurrency)], {
    REDIS_URL: ctx.redisUrl,
    JOBQ_PREFIX: prefix,
    JOBQ_SCALE_QUEUES: String(queues),
  })
  await child.next('ready')
  return child
}

/** apps/producer (built, production mode, a bearer token) with `queues` registry queues. */
export async function startProducer(ctx: BenchContext, prefix: string, queues: number) {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', preload, ctx.paths.producerMain], {
    env: {
      ...process.env,
      REDIS_URL: ctx.redisUrl,
      JOBQ_PREFIX: prefix,
      JOBQ_SCALE_QUEUES: String(queues),
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      JOBQ_API_TOKENS: TOKEN,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  await until(async () => (await fetch(`${url}/readyz`).catch(() => null))?.ok ?? false, 50, 30_000)
  const headers = { authorization: `Bearer ${TOKEN}` }
  return {
    /** GETs `path`; throws on anything but 200. */
    async get(path: string): Promise<unknown> {
      const res = await fetch(`${url}${path}`, { headers })
      const body = await res.text()
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${body}`)
      return body
    },
    /** POSTs `body` as JSON; resolves with the answer; throws on anything but 202. */
    async post(path: string, body: unknown): Promise<unknown> {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      const text = await res.text()
      if (res.status !== 202) throw new Error(`POST ${path} answered ${res.status}: ${text}`)
      return JSON.parse(text) as unknown
    },
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}

/** Runs `jobq <args>` (apps/cli, built) with `queues` registry queues; resolves on exit 0. */
export async function runCli(ctx: BenchContext, prefix: string, queues: number, args: string[]) {
  const child = spawn(process.execPath, ['--import', preload, cliMain, ...args], {
    env: {
      ...process.env,
      REDIS_URL: ctx.redisUrl,
      JOBQ_PREFIX: prefix,
      JOBQ_SCALE_QUEUES: String(queues),
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const [code] = (await once(child, 'exit')) as [number | null]
  if (code !== 0) throw new Error(`jobq ${args.join(' ')} exited ${code}`)
}
