import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createRedis, type Redis } from '@jobq/queue-core'
import { eventually, startRedisServer, type RedisServer } from '@jobq/queue-core/testing'
import { httpStack, type HttpStack } from './support/http-stack.js'

// Kind 8: a Redis that refuses writes is "unavailable", not an internal error. Each test starts
// its own redis-server on a free port, makes it refuse in one way, and checks every route of
// the API: the mapped problem with Retry-After, nothing half-written, recovery once Redis
// accepts writes again.

const PAYLOAD = { text: 'x'.repeat(10_000) } // a 10 KB echo job

type Call = { method: string; path: string; body?: unknown }

/** Every route that writes to Redis, with a body it would accept. */
const writes = (): Call[] => [
  { method: 'POST', path: '/v1/jobs/demo.echo', body: { data: PAYLOAD } },
  {
    method: 'POST',
    path: '/v1/jobs/demo.echo',
    body: { data: PAYLOAD, options: { jobId: 'k-1' } },
  },
  { method: 'POST', path: '/v1/jobs/demo.echo/bulk', body: { items: [{ data: 1 }, { data: 2 }] } },
  { method: 'POST', path: '/v1/jobs/demo.echo/bulk', body: { count: 3, data: PAYLOAD } },
  { method: 'POST', path: '/v1/queues/default/pause' },
]

/** Cancelling a waiting job deletes it: a full Redis allows that, every other refusal not. */
const cancel = (id: string): Call => ({ method: 'DELETE', path: `/v1/jobs/${id}` })

/** Every route that only reads Redis. */
const reads = (id: string): Call[] => [
  { method: 'GET', path: `/v1/jobs/${id}` },
  { method: 'GET', path: `/v1/jobs/${id}/events` },
  { method: 'GET', path: '/v1/queues' },
  { method: 'GET', path: '/v1/queues/default/jobs?state=waiting' },
  { method: 'GET', path: '/v1/workers' },
  { method: 'GET', path: '/v1/schedules' },
  { method: 'GET', path: '/ui/api/queues' },
]

let server: RedisServer | undefined
let stack: HttpStack | undefined
const extra: Redis[] = []

afterEach(async () => {
  extra.splice(0).forEach((client) => client.disconnect())
  await stack?.close()
  await server?.stop()
  stack = server = undefined
})

// Replication writes an RDB file: keep it out of the repository.
const dir = mkdtempSync(join(tmpdir(), 'jobq-refusals-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function start(args: string[] = []) {
  server = await startRedisServer({ args, dir })
  stack = await httpStack(server.url)
  return { server, stack }
}

function admin(url: string, password?: string): Redis {
  const client = createRedis({
    url: password ? url.replace('//', `//:${password}@`) : url,
    role: 'worker',
  })
  extra.push(client)
  return client
}

async function call(stack: HttpStack, { method, path, body }: Call) {
  const res = await stack.app.request(path, {
    method,
    ...(body !== undefined && {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    }),
  })
  // An event stream of a job that has not finished stays open: its head is the answer.
  const text =
    path.endsWith('/events') && res.ok ? (await res.body?.cancel(), '') : await res.text()
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text, path }
}

/** Expects each call to answer the refusal's problem: its status, its type, a Retry-After. */
async function expectRefused(stack: HttpStack, calls: Call[], status: number, words: RegExp) {
  for (const c of calls) {
    const answer = await call(stack, c)
    const type =
      status === 507 ? '/problems/backend-out-of-memory' : '/problems/backend-unavailable'
    expect({ route: `${c.method} ${c.path}`, status: answer.status }).toEqual({
      route: `${c.method} ${c.path}`,
      status,
    })
    const route = `${c.method} ${c.path}`
    const body = JSON.parse(answer.text) as { type: string; status: number; detail: string }
    expect({ route, type: body.type, status: body.status }).toEqual({ route, type, status })
    expect(body.detail).toMatch(words)
    expect(Number(answer.retryAfter)).toBeGreaterThan(0)
  }
}

async function expectAnswered(stack: HttpStack, calls: Call[]) {
  for (const c of calls) {
    const answer = await call(stack, c)
    expect({ route: `${c.method} ${c.path}`, status: answer.status }).toEqual({
      route: `${c.method} ${c.path}`,
      status: 200,
    })
  }
}

const CLI = fileURLToPath(new URL('../../../apps/cli/dist/main.js', import.meta.url))

/** Runs the built `jobq` against `url`; resolves with its exit code and stderr. */
async function cli(url: string, prefix: string, ...args: string[]) {
  const child = spawn(process.execPath, [CLI, '--redis-url', url, '--prefix', prefix, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const [code] = (await once(child, 'exit')) as [number]
  return { code, stderr }
}

async function enqueue(stack: HttpStack): Promise<string> {
  const res = await call(stack, { method: 'POST', path: '/v1/jobs/demo.echo', body: { data: 1 } })
  expect(res.status).toBe(202)
  return (JSON.parse(res.text) as { id: string }).id
}

async function readiness(stack: HttpStack) {
  const res = await stack.app.request('/readyz')
  return { status: res.status, body: (await res.json()) as { status: string; reason?: string } }
}

async function writableGauge(stack: HttpStack): Promise<string | undefined> {
  const text = await (await stack.app.request('/metrics')).text()
  return /^jobq_redis_writable (\d)$/m.exec(text)?.[1]
}

describe('a Redis that refuses writes', () => {
  it('full (maxmemory, noeviction): 507 with Retry-After on writes, reads work, nothing half-written, /readyz and /metrics say so, recovery after empty', async () => {
    const { server, stack } = await start([
      '--maxmemory',
      '32mb',
      '--maxmemory-policy',
      'noeviction',
    ])
    const id = await enqueue(stack)
    // Fill it with 10 KB echo jobs until Redis refuses one. A bulk of 1,200 is sent in three
    // chunks (bulk-add.ts): the refusal comes part-way through one, and none of it may stay.
    let accepted = 1
    let refused: Awaited<ReturnType<typeof call>> | undefined
    while (!refused && accepted < 10_000) {
      const res = await call(stack, {
        method: 'POST',
        path: '/v1/jobs/demo.echo/bulk',
        body: { count: 1_200, data: PAYLOAD },
      })
      if (res.status === 202) accepted += 1_200
      else refused = res
    }
    expect(refused?.status).toBe(507)
    expect(refused?.retryAfter).toBe('30')
    // A refused command frees its own buffer, so a full Redis hovers at its limit and a small
    // write may slip through between refusals. Pin it above the limit while every route is tried.
    const redis = admin(server.url)
    const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1])
    await redis.config('SET', 'maxmemory', String(Math.floor(used * 0.9)))

    await expectRefused(stack, writes(), 507, /full \(maxmemory reached\)/)
    await expectAnswered(stack, reads(id))
    expect((await call(stack, cancel(id))).status).toBe(200)
    // Nothing half-written: the queue holds exactly the jobs that were answered 202, less the
    // one cancelled.
    expect(await redis.llen(`${stack.prefix}:default:wait`)).toBe(accepted - 1)
    expect(await redis.exists(`${stack.prefix}:default:k-1`)).toBe(0)
    const notReady = await readiness(stack)
    expect(notReady.status).toBe(503)
    expect(notReady.body).toMatchObject({ status: 'unavailable', reason: 'out-of-memory' })
    expect(await writableGauge(stack)).toBe('0')
    // The CLI (built) says the same and exits 1; its reads still work.
    const viaCli = await cli(server.url, stack.prefix, 'enqueue', 'demo.echo', '--data', '{"n":1}')
    expect(viaCli.code).toBe(1)
    expect(viaCli.stderr).toMatch(/is full \(maxmemory reached\)/)
    expect((await cli(server.url, stack.prefix, 'jobs', 'default')).code).toBe(0)

    // Recovery: emptying the queue (deletes are allowed when full) frees the memory.
    const emptied = await call(stack, { method: 'POST', path: '/v1/queues/default/empty' })
    expect(emptied.status).toBe(200)
    expect((await readiness(stack)).status).toBe(200)
    expect(await writableGauge(stack)).toBe('1')
    const again = await enqueue(stack)
    expect((await call(stack, { method: 'GET', path: `/v1/jobs/${again}` })).status).toBe(200)
  })

  it('a read-only replica: 503 READONLY on writes, reads work, ready again after REPLICAOF NO ONE', async () => {
    // The jobs live on a primary; the producer is pointed at a replica of it.
    const { stack: onPrimary, server: primary } = await start()
    const id = await enqueue(onPrimary)
    const replica = await startRedisServer({ dir })
    const replicaStack = await httpStack(replica.url, { prefix: onPrimary.prefix })
    try {
      const redis = admin(replica.url)
      await redis.call('REPLICAOF', '127.0.0.1', String(primary.port))
      await eventually(
        () => redis.info('replication'),
        (info) => info.includes('master_link_status:up'),
        { what: 'the replica to sync' },
      )
      await expectRefused(replicaStack, [...writes(), cancel(id)], 503, /read-only replica/)
      await expectAnswered(replicaStack, reads(id))
      expect((await readiness(replicaStack)).body.reason).toBe('read-only')
      expect(await writableGauge(replicaStack)).toBe('0')
      // Nothing half-written on the primary either: the one job, and no `k-1`.
      expect(await admin(primary.url).exists(`${onPrimary.prefix}:default:k-1`)).toBe(0)
      await redis.call('REPLICAOF', 'NO', 'ONE')
      expect((await readiness(replicaStack)).status).toBe(200)
      await enqueue(replicaStack)
    } finally {
      await replicaStack.close()
      await replica.stop()
    }
  })

  it('a replica that lost its primary (MASTERDOWN): 503 on every route, also reads', async () => {
    const { server, stack } = await start(['--replica-serve-stale-data', 'no'])
    const id = await enqueue(stack)
    const redis = admin(server.url)
    // A primary that does not exist: the link stays down.
    await redis.call('REPLICAOF', '127.0.0.1', '1')
    await expectRefused(stack, [...writes(), cancel(id), ...reads(id)], 503, /lost its primary/)
    expect((await readiness(stack)).body.reason).toBe('master-down')
    await redis.call('REPLICAOF', 'NO', 'ONE')
    expect((await readiness(stack)).status).toBe(200)
  })

  it('a busy script (BUSY): 503 on every route until SCRIPT KILL, then everything answers', async () => {
    const { server, stack } = await start(['--busy-reply-threshold', '50'])
    const id = await enqueue(stack)
    const busy = admin(server.url)
    busy.eval('while true do end', 0).catch(() => undefined) // killed below
    const redis = admin(server.url)
    await eventually(
      () => redis.ping().catch((err: Error) => err.message),
      (answer) => answer.startsWith('BUSY'),
      { what: 'the script to make Redis busy' },
    )
    await expectRefused(
      stack,
      [...writes(), cancel(id), ...reads(id)],
      503,
      /busy running a script/,
    )
    expect((await readiness(stack)).body.reason).toBe('busy')
    expect(await writableGauge(stack)).toBe('0')
    await redis.script('KILL')
    await eventually(
      () => readiness(stack),
      (r) => r.status === 200,
      { what: 'ready after SCRIPT KILL' },
    )
    await expectAnswered(stack, reads(id))
  })

  it('credentials changed under the producer (NOAUTH): 503 naming auth; ACL denial (NOPERM) too', async () => {
    const { server, stack } = await start()
    const id = await enqueue(stack)
    const redis = admin(server.url)
    // Revoke writes for the producer's user: existing connections are refused at once.
    await redis.call('ACL', 'SETUSER', 'default', '-@write')
    await expectRefused(stack, [...writes(), cancel(id)], 503, /denies this command \(ACL\)/)
    expect((await readiness(stack)).body.reason).toBe('permission')
    await redis.call('ACL', 'SETUSER', 'default', '+@all')
    expect((await readiness(stack)).status).toBe(200)

    // A new password, and the producer's connections dropped: it reconnects without it.
    await redis.config('SET', 'requirepass', 'rotated')
    await redis.client('KILL', 'TYPE', 'normal')
    const root = admin(server.url, 'rotated')
    await eventually(
      () => readiness(stack),
      (r) => r.body.reason === 'auth',
      { what: 'NOAUTH' },
    )
    await expectRefused(
      stack,
      [...writes(), cancel(id), ...reads(id)],
      503,
      /refuses our credentials/,
    )
    expect(await writableGauge(stack)).toBe('0')
    await root.config('SET', 'requirepass', '')
    await eventually(
      () => readiness(stack),
      (r) => r.status === 200,
      { what: 'ready again' },
    )
    await enqueue(stack)
  })
})
