import { Worker as Thread } from 'node:worker_threads'
import type { TLSSocket } from 'node:tls'
import { Cluster } from 'ioredis'
import type { Redis } from '../connection.js'
import type { Logger } from '../logger.js'

/**
 * Keeps the locks of this process's active jobs alive while its event loop is blocked.
 *
 * BullMQ renews a job's lock from a timer on the main thread. A handler that blocks the event
 * loop (a synchronous loop, a huge JSON.parse) longer than the lock starves that timer: the lock
 * lapses, another worker's stalled check hands the job out again, it runs twice, and the first
 * run's result is refused ("Missing lock … moveToFinished") and the job may be failed although
 * both runs succeeded.
 *
 * A `worker_threads` thread watches a heartbeat the main thread ticks in a SharedArrayBuffer.
 * While the heartbeat moves, it does nothing (BullMQ renews). Once it has stood still for a third
 * of the lock, the thread renews, every check, the lock of each job in the queue's active list
 * whose lock still holds one of this process's tokens (BullMQ's `extendLock` rule: a lock another
 * worker took over, or one already released, is never touched). The hot path pays nothing per
 * job: no message is posted when a job starts or ends.
 *
 * The thread speaks RESP over its own socket instead of loading ioredis: measured here, a thread
 * with ioredis added 25-30 MiB of RSS to the worker, one with a bare socket about 11 MiB. The main
 * thread tells it where to connect (the node that holds the queue's keys) and tells it again
 * after a reconnect or when the thread reports a redirect (failover, cluster resharding).
 *
 * A loop blocked longer than {@link MAX_BLOCK_MS} is taken for hung for good: the thread lets
 * the locks lapse, so the stalled check gives the job to another worker as before.
 */
export interface LockKeeper {
  /** Starts the thread if it is not running yet (call as a job starts: idle workers pay none). */
  ensureStarted(): void
  stop(): Promise<void>
}

/** After this long blocked, the process is taken for hung and its locks are let go. */
const MAX_BLOCK_MS = 30 * 60_000

/** What the thread needs of one BullMQ worker: its keys and the prefix of its lock tokens. */
export interface KeptQueue {
  /** `<prefix>:<queue>:` */
  base: string
  /** BullMQ's `worker.id`: its lock tokens are `<id>:<n>`. */
  workerId: string
}

/** Where and how the thread connects for one queue. */
interface Target {
  host: string
  port: number
  tls?: object
  username?: string
  password?: string
  db?: number
}

/** Prepares the keeper; the thread itself starts on the first {@link LockKeeper.ensureStarted}. */
export function createLockKeeper(options: {
  connection: Redis
  queues: KeptQueue[]
  lockMs: number
  logger: Logger
}): LockKeeper {
  const { connection, queues, lockMs, logger } = options
  const beat = new Int32Array(new SharedArrayBuffer(4))
  // A third of the lock: BullMQ renews at half, so the thread takes over before a lock can lapse,
  // checking at least 12 times per lock.
  const staleMs = Math.floor(lockMs / 3)
  const checkMs = Math.max(10, Math.min(250, Math.floor(lockMs / 12)))
  let thread: Thread | undefined
  let ticker: NodeJS.Timeout | undefined

  const sendTargets = () => {
    if (!thread) return
    targetsOf(connection, queues).then(
      (targets) => thread?.postMessage({ targets }),
      (err: Error) => logger.warn({ err: err.message }, 'lock keeper: no Redis address'),
    )
  }
  const onReady = () => sendTargets()

  return {
    ensureStarted() {
      if (thread) return
      ticker = setInterval(() => Atomics.add(beat, 0, 1), checkMs)
      ticker.unref()
      thread = new Thread(THREAD_SOURCE, {
        eval: true,
        workerData: { beat, queues, lockMs, staleMs, checkMs, maxBlockMs: MAX_BLOCK_MS },
        resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
      })
      thread.unref()
      thread.on('error', (err) => logger.warn({ err: err.message }, 'lock keeper thread failed'))
      thread.on('message', (message: { kept?: number; err?: string; redirect?: boolean }) => {
        if (message.redirect) sendTargets()
        if (message.err) logger.warn({ err: message.err }, 'lock keeper could not renew locks')
        if (message.kept) {
          logger.warn({ kept: message.kept }, 'event loop blocked: the lock keeper renewed locks')
        }
      })
      connection.on('ready', onReady)
      sendTargets()
    },
    async stop() {
      clearInterval(ticker)
      connection.off('ready', onReady)
      await thread?.terminate()
      thread = undefined
    },
  }
}

/** The node holding each queue's keys, with the credentials the main connection uses. */
async function targetsOf(connection: Redis, queues: KeptQueue[]): Promise<Target[]> {
  if (connection instanceof Cluster) {
    const redisOptions = connection.options.redisOptions ?? {}
    return Promise.all(
      queues.map(async ({ base }) => {
        const slot = Number(await connection.cluster('KEYSLOT', `${base}active`))
        const [master] = (connection as unknown as { slots: string[][] }).slots[slot] ?? []
        const [host, port] = splitNodeKey(master ?? '')
        return plain({
          host,
          port,
          tls: redisOptions.tls,
          username: redisOptions.username,
          password: redisOptions.password,
        })
      }),
    )
  }
  const { options } = connection
  // A Sentinel-managed connection is connected to the primary the sentinels named: take the
  // address of that socket. A plain one keeps its host name (TLS checks it).
  const socket = (connection as unknown as { stream?: TLSSocket }).stream
  const viaSentinel = !!options.sentinels?.length
  const target = plain({
    host: viaSentinel ? socket?.remoteAddress : options.host,
    port: viaSentinel ? socket?.remotePort : options.port,
    tls: options.tls && { ...options.tls, servername: options.tls.servername ?? options.host },
    username: options.username,
    password: options.password,
    db: options.db,
  })
  return queues.map(() => target)
}

function splitNodeKey(key: string): [string, number] {
  const at = key.lastIndexOf(':')
  return [key.slice(0, at), Number(key.slice(at + 1))]
}

/** Only what can cross to a thread (no functions): JSON's subset. */
function plain(target: Record<string, unknown>): Target {
  return JSON.parse(JSON.stringify(target)) as Target
}

// The thread's code, evaluated as CommonJS: a string, so it runs the same from the sources in
// tests and from the bundle, and loads nothing but node:net and node:tls.
const THREAD_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads')
const net = require('node:net')
const tls = require('node:tls')
const { beat, queues, lockMs, staleMs, checkMs, maxBlockMs } = workerData
const KEEP = \`
local ids = redis.call('LRANGE', KEYS[1], 0, -1)
local kept = 0
for _, id in ipairs(ids) do
  local lockKey = ARGV[1] .. id .. ':lock'
  local token = redis.call('GET', lockKey)
  if token and string.sub(token, 1, #ARGV[2]) == ARGV[2] then
    redis.call('SET', lockKey, token, 'PX', ARGV[3])
    redis.call('SREM', KEYS[2], id)
    kept = kept + 1
  end
end
return kept\`

let targets = []
const links = new Map() // "host:port" -> { socket, pending: [resolve], buffer }
parentPort.on('message', (message) => {
  if (!message.targets) return
  targets = message.targets
  for (const link of links.values()) link.socket.destroy()
  links.clear()
})

function encode(args) {
  let out = '*' + args.length + '\\r\\n'
  for (const arg of args) {
    const s = String(arg)
    out += '$' + Buffer.byteLength(s) + '\\r\\n' + s + '\\r\\n'
  }
  return out
}

// Replies here are one line each: +OK, -ERR …, :<integer>.
function open(target) {
  return new Promise((resolve, reject) => {
    const options = { host: target.host, port: target.port }
    const socket = target.tls ? tls.connect({ ...options, ...target.tls }) : net.connect(options)
    const link = { socket, pending: [], buffer: '' }
    const fail = (err) => {
      links.delete(target.host + ':' + target.port)
      for (const p of link.pending.splice(0)) p(null)
      reject(err)
    }
    socket.setNoDelay(true)
    socket.on('error', fail)
    socket.on('close', () => fail(new Error('connection closed')))
    socket.on('data', (chunk) => {
      link.buffer += chunk.toString('utf8')
      let end
      while ((end = link.buffer.indexOf('\\r\\n')) >= 0) {
        const line = link.buffer.slice(0, end)
        link.buffer = link.buffer.slice(end + 2)
        link.pending.shift()?.(line)
      }
    })
    socket.once(target.tls ? 'secureConnect' : 'connect', () => resolve(link))
  })
}

function send(link, args) {
  return new Promise((resolve) => {
    link.pending.push(resolve)
    link.socket.write(encode(args))
  })
}

async function linkTo(target) {
  const key = target.host + ':' + target.port
  let link = links.get(key)
  if (link) return link
  link = await open(target)
  links.set(key, link)
  if (target.password) {
    const auth = target.username ? ['AUTH', target.username, target.password] : ['AUTH', target.password]
    if ((await send(link, auth)) !== '+OK') throw new Error('AUTH refused')
  }
  if (target.db) await send(link, ['SELECT', target.db])
  return link
}

let seen = Atomics.load(beat, 0)
let movedAt = Date.now()
let busy = false
let told = false
setInterval(async () => {
  const now = Atomics.load(beat, 0)
  if (now !== seen) {
    seen = now
    movedAt = Date.now()
    told = false
    return
  }
  const blockedMs = Date.now() - movedAt
  if (busy || blockedMs < staleMs || blockedMs > maxBlockMs || !targets.length) return
  busy = true
  try {
    let kept = 0
    for (let i = 0; i < queues.length; i++) {
      const q = queues[i]
      const link = await linkTo(targets[i])
      const reply = await send(link, ['EVAL', KEEP, 2, q.base + 'active', q.base + 'stalled',
        q.base, q.workerId + ':', lockMs])
      if (reply === null) throw new Error('connection lost')
      if (reply[0] === '-') {
        // MOVED/READONLY: the keys live elsewhere now; the main thread looks them up again.
        if (/^-(MOVED|ASK|READONLY)/.test(reply)) parentPort.postMessage({ redirect: true })
        throw new Error(reply.slice(1))
      }
      kept += Number(reply.slice(1))
    }
    // Once per blocked stretch: the main thread reads it when it is free again.
    if (kept && !told) parentPort.postMessage({ kept })
    told = told || kept > 0
  } catch (err) {
    if (!told) parentPort.postMessage({ err: err.message })
    told = true
  } finally {
    busy = false
  }
}, checkMs)
`
