import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createConnection, createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

/** Asks the OS for a free TCP port on loopback (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (typeof address !== 'object' || !address) throw new Error('could not read a free port')
  return address.port
}

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** @defaultValue a free port */
  port?: number
  /** Append-only file on, under `dir`: what dev and restart tests use. @defaultValue false */
  appendonly?: boolean
  /** Data directory (AOF). @defaultValue the current directory */
  dir?: string
  /** More `redis-server` arguments, e.g. `['--requirepass', 'secret']`. */
  args?: string[]
  /** @defaultValue 'redis-server' */
  binary?: string
  /**
   * Run as a Sentinel from this config file (Sentinel rewrites it, so it must be writable and
   * private to this process). Persistence flags are left out in that mode.
   */
  sentinelConfig?: string
}

/** A `redis-server` child process that this process started and will stop. */
export interface RedisServer {
  url: string
  port: number
  process: ChildProcess
  /** SIGTERM, then wait for the exit (SIGKILL after 5 s). */
  stop(): Promise<void>
}

/**
 * Starts a private `redis-server` on loopback and waits until it answers PING. A port already
 * taken makes redis-server exit, and this rejects with its own words rather than talking to
 * somebody else's server.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort())
  const sentinel = options.sentinelConfig
  const args = [
    ...(sentinel ? [sentinel, '--sentinel'] : []),
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    ...(sentinel ? [] : ['--save', '', '--appendonly', options.appendonly ? 'yes' : 'no']),
    ...(options.dir ? ['--dir', options.dir] : []),
    ...(options.args ?? []),
  ]
  const child = spawn(options.binary ?? 'redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  const spawnError = once(child, 'error').then(([err]) => err as Error)

  const deadline = Date.now() + 10_000
  for (;;) {
    const early = await Promise.race([exited, spawnError, sleep(50, undefined)])
    if (early instanceof Error) {
      throw new Error(
        `cannot start redis-server (${early.message}); install it: apt-get install -y redis-server`,
      )
    }
    if (early !== undefined) {
      throw new Error(`redis-server on port ${port} exited (${early}):\n${output.trim()}`)
    }
    if (await answersPing(port)) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`redis-server on port ${port} did not answer within 10 s:\n${output.trim()}`)
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** True when a Redis on loopback:`port` answers (PONG, or an auth error: it is up either way). */
export function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())))
  })
}
