import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { freePort } from '@jobq/queue-core/redis-server'
import { until, type BenchContext } from '../context.js'

/** Debian's python has python3-rq and python3-flask; another python3 on PATH may not. */
const PYTHON = '/usr/bin/python3'
// Relative to the bundle, bench/dist/main.js.
const dir = fileURLToPath(new URL('../rq/', import.meta.url))

/** True when the seeds' stack can run here (`apt-get install python3-rq python3-flask`). */
export function rqAvailable(): boolean {
  if (!existsSync(PYTHON)) return false
  return spawnSync(PYTHON, ['-c', 'import rq, flask'], { stdio: 'ignore' }).status === 0
}

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(args[0]!, args.slice(1), {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`)
}

/** Tasks per second of RQ's forking worker (`rq worker --burst`) over `count` no-op tasks. */
export async function rqDrain(ctx: BenchContext, count: number): Promise<number> {
  await ctx.freshPrefix()
  run([PYTHON, 'enqueue.py', ctx.redisUrl, String(count)])
  const started = performance.now()
  run([PYTHON, '/usr/bin/rq', 'worker', '--burst', '--url', ctx.redisUrl, '--quiet', 'default'], {
    PYTHONPATH: dir,
  })
  return count / ((performance.now() - started) / 1_000)
}

/** Requests per second of the seeds' Flask `/start` route (dev server, threaded). */
export async function flaskEnqueue(ctx: BenchContext, seconds: number): Promise<number> {
  await ctx.freshPrefix()
  const port = await freePort()
  const server: ChildProcess = spawn(PYTHON, ['app.py', ctx.redisUrl, String(port)], {
    cwd: dir,
    stdio: 'ignore',
  })
  try {
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => null)) !== null,
      50,
      30_000,
    )
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/start`,
      method: 'POST',
      connections: 50,
      duration: seconds,
    })
    return result.requests.average
  } finally {
    server.kill('SIGTERM')
    await once(server, 'exit')
  }
}
