// `pnpm dev` (after bootstrap): the whole stack on this machine, in watch mode. Starts a private
// redis-server (AOF on, data in .jobq/redis) unless REDIS_URL is set, then the producer and one
// worker for every queue, each restarted by tsx when a source file (a job included) changes.
// Ctrl-C stops all of it.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { prettyFactory } from 'pino-pretty'
import { freePort, startRedisServer, type RedisServer } from '@jobq/queue-core/redis-server'

const root = fileURLToPath(new URL('..', import.meta.url))
const port = Number(process.env.PORT ?? 3000)
const pretty = prettyFactory({
  colorize: process.stdout.isTTY,
  ignore: 'pid,hostname,name',
  singleLine: true,
})

function log(label: string, colour: number, line: string) {
  let text = line
  if (line.startsWith('{')) {
    try {
      text = pretty(line).trimEnd()
    } catch {
      // not a pino line after all: print it as it came
    }
  }
  process.stdout.write(`\x1b[${colour}m${label.padEnd(9)}\x1b[0m ${text}\n`)
}

async function portIsFree(candidate: number): Promise<boolean> {
  const server = createServer()
  return new Promise((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(candidate, '0.0.0.0', () => server.close(() => resolve(true)))
  })
}

function start(label: string, colour: number, entry: string, env: Record<string, string>) {
  // tsx itself, not `pnpm exec tsx`: signals must reach it directly.
  const child = spawn(
    `${root}node_modules/.bin/tsx`,
    [
      'watch',
      '--clear-screen=false',
      '--include',
      'packages/*/src/**/*.ts',
      '--conditions=jobq-source',
      entry,
    ],
    { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => log(label, colour, line))
  }
  return child
}

if (!(await portIsFree(port))) {
  console.error(`jobq dev: port ${port} is taken. Free it, or run with PORT=<another port>.`)
  process.exit(1)
}

let redis: RedisServer | undefined
let redisUrl = process.env.REDIS_URL
if (!redisUrl) {
  const dir = `${root}.jobq/redis`
  mkdirSync(dir, { recursive: true })
  redis = await startRedisServer({
    port: process.env.JOBQ_DEV_REDIS_PORT
      ? Number(process.env.JOBQ_DEV_REDIS_PORT)
      : await freePort(),
    appendonly: true,
    dir,
  })
  redisUrl = redis.url
}

const env = { REDIS_URL: redisUrl, PORT: String(port), LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' }
const children: ChildProcess[] = [
  start('producer', 35, 'apps/producer/src/main.ts', env),
  start('worker', 32, 'apps/worker/src/main.ts', env),
]

const base = `http://localhost:${port}`
console.log(`
  jobq is starting (watch mode: edit any file under packages/ or apps/ and it reloads)

  API        ${base}/v1/jobs/<name>      e.g. curl -X POST ${base}/v1/jobs/demo.sleep \\
                                              -H 'content-type: application/json' -d '{"data":{"ms":50}}'
  Health     ${base}/healthz  ${base}/readyz
  Redis      ${redisUrl}${redis ? '   (embedded, AOF in .jobq/redis)' : ''}
  CLI        REDIS_URL=${redisUrl} pnpm jobq info

  Ctrl-C stops everything.
`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  console.log('\njobq dev: stopping…')
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        await once(child, 'exit')
      }
    }),
  )
  await redis?.stop()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
for (const child of children) {
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(`jobq dev: a process exited (${code}); stopping the rest`)
      void stop()
    }
  })
}
