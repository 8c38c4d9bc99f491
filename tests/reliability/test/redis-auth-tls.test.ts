import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  freePort,
  startRedisServer,
  useHarness,
  uniquePrefix,
  type NodeProcess,
  type RedisServer,
} from '@jobq/queue-core/testing'
import { eventually, readRecord, report, spawnProducer, spawnWorker } from './support.js'

// 6. Secrets end to end: Redis with a password, reached over TLS (rediss://) with a certificate
// from a private CA generated here; API tokens. Nothing secret may show in any process's output
// or in any response body, whether the secret was right or wrong.
const PASSWORD = 'redis-pw-Q7x9Lk2Vb8'
const TOKEN = 'api-token-4Jd8Ks0Pq2Wm7Zr5'
const WRONG = ['api-token-4Jd8Ks0Pq2Wm7Zr6', 'guessed-token-Uh3Nn8Bb1Yy']
const WRONG_PASSWORD = 'not-the-pw-Ee4Rr5Tt6'

describe('6. Redis password + TLS, and secrets kept out of logs and bodies', () => {
  let server: RedisServer
  let tlsPort: number
  const bodies: string[] = []
  // Hooks run as a stack: the harness (processes, scratch folder) closes before the server stops.
  afterAll(async () => {
    await server?.stop()
  })
  const h = useHarness({ label: 'tls', per: 'file' })
  let processes: NodeProcess[]
  let dir: string

  beforeAll(async () => {
    processes = h.processes
    dir = h.scratchDir()
    const openssl = (...args: string[]) =>
      execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      '/CN=jobq test CA',
    )
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=localhost',
    )
    writeFileSync(join(dir, 'ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost')
    openssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '1',
      '-extfile',
      'ext',
    )
    tlsPort = await freePort()
    server = await startRedisServer({
      args: [
        '--requirepass',
        PASSWORD,
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        join(dir, 'server.pem'),
        '--tls-key-file',
        join(dir, 'server.key'),
        '--tls-ca-cert-file',
        join(dir, 'ca.pem'),
        '--tls-auth-clients',
        'no',
      ],
    })
  })

  const tlsUrl = (password: string) => `rediss://:${password}@127.0.0.1:${tlsPort}`

  async function call(url: string, path: string, init: RequestInit = {}) {
    const res = await fetch(`${url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) })
    const text = await res.text()
    bodies.push(text, JSON.stringify([...res.headers]))
    return { status: res.status, text }
  }

  it('runs jobs end to end over rediss:// with a password and the private CA', async () => {
    const prefix = uniquePrefix('tls')
    const record = join(dir, 'record.log')
    const env = {
      REDIS_URL: tlsUrl(PASSWORD),
      REDIS_TLS_CA_FILE: join(dir, 'ca.pem'),
      JOBQ_PREFIX: prefix,
      LOG_LEVEL: 'trace',
    }
    const started = performance.now()
    const producer = await spawnProducer({ ...env, JOBQ_API_TOKENS: TOKEN })
    processes.push(producer.process)
    const worker = spawnWorker(['default'], { ...env, record })
    processes.push(worker)
    await worker.waitFor(/worker taking jobs/)
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
    await eventually(
      async () => (await call(producer.url, '/readyz')).status,
      (s) => s === 200,
    )

    const enqueued = await call(producer.url, '/v1/jobs/demo.echo', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ data: { over: 'tls' } }),
    })
    expect(enqueued.status).toBe(202)
    const { id } = JSON.parse(enqueued.text) as { id: string }
    const job = await eventually(
      async () =>
        JSON.parse((await call(producer.url, `/v1/jobs/${id}`, { headers: auth })).text) as {
          state: string
          result: unknown
        },
      (j) => j.state === 'completed',
    )
    expect(job.result).toEqual({ echo: { over: 'tls' } })
    expect(readRecord(record).dones.get(id)).toBe(1)
    const roundTripMs = Math.round(performance.now() - started)

    // Wrong and missing tokens, tokens in odd places, bad requests with the right token.
    for (const bad of WRONG) {
      for (const authorization of [
        `Bearer ${bad}`,
        `Basic ${bad}`,
        bad,
        `Bearer ${TOKEN} ${bad}`,
      ]) {
        const res = await call(producer.url, '/v1/queues', { headers: { authorization } })
        expect(res.status).toBe(401)
      }
      expect((await call(producer.url, `/v1/jobs/${bad}?token=${bad}`)).status).toBe(401)
    }
    expect(
      (
        await call(producer.url, '/v1/jobs/demo.sleep', {
          method: 'POST',
          headers: auth,
          body: '{"data":{"ms":"x"}}',
        })
      ).status,
    ).toBe(400)
    expect((await call(producer.url, `/v1/jobs/no-such-job`, { headers: auth })).status).toBe(404)
    expect((await call(producer.url, '/v1/nope', { headers: auth })).status).toBe(404)
    expect((await call(producer.url, '/metrics', { headers: auth })).status).toBe(200)

    // Stopping cleanly logs too: include it.
    producer.process.child.kill('SIGTERM')
    worker.child.kill('SIGTERM')
    expect(await producer.process.exited).toBe(0)
    expect(await worker.exited).toBe(0)
    report('redis-tls', {
      roundTripMs,
      logLines: producer.process.output().split('\n').length + worker.output().split('\n').length,
    })
  })

  it('refuses an unverified certificate and a wrong password, and says so without the secret', async () => {
    const prefix = uniquePrefix('tls-bad')
    const cases: {
      name: string
      env: { REDIS_URL: string } & Record<string, string>
      log: RegExp
    }[] = [
      {
        name: 'no CA',
        env: { REDIS_URL: tlsUrl(PASSWORD) },
        log: /certificate|self.signed|unable to verify/i,
      },
      {
        name: 'wrong password',
        env: { REDIS_URL: tlsUrl(WRONG_PASSWORD), REDIS_TLS_CA_FILE: join(dir, 'ca.pem') },
        log: /WRONGPASS|NOAUTH|invalid password|username-password/i,
      },
    ]
    for (const { name, env, log } of cases) {
      const producer = await spawnProducer({
        ...env,
        JOBQ_PREFIX: prefix,
        JOBQ_API_TOKENS: TOKEN,
        LOG_LEVEL: 'trace',
      })
      processes.push(producer.process)
      expect((await call(producer.url, '/readyz')).status, name).toBe(503)
      const res = await call(producer.url, '/v1/queues', {
        headers: { authorization: `Bearer ${TOKEN}` },
      })
      expect(res.status, name).toBe(503)
      await producer.process.waitFor(log)

      const worker = spawnWorker(['default'], {
        ...env,
        JOBQ_PREFIX: prefix,
        record: join(dir, 'none.log'),
        LOG_LEVEL: 'trace',
      })
      processes.push(worker)
      await worker.waitFor(log)
      expect(worker.output()).not.toMatch(/worker taking jobs/)
    }
    // The insecure switch: encrypted, not verified, and it works (tests and emergencies only).
    const insecure = await spawnProducer({
      REDIS_URL: tlsUrl(PASSWORD),
      REDIS_TLS_INSECURE: 'true',
      JOBQ_PREFIX: prefix,
    })
    processes.push(insecure.process)
    await eventually(
      async () => (await call(insecure.url, '/readyz')).status,
      (s) => s === 200,
    )
  })

  it('leaves no secret in any output or body', () => {
    const outputs = processes.map((p) => p.output()).join('\n')
    expect(outputs.length).toBeGreaterThan(1_000) // trace level: there was plenty to leak into
    for (const secret of [PASSWORD, WRONG_PASSWORD, TOKEN, ...WRONG]) {
      expect(outputs.includes(secret), `a log line holds ${secret.slice(0, 6)}…`).toBe(false)
      expect(bodies.join('\n').includes(secret), `a response holds ${secret.slice(0, 6)}…`).toBe(
        false,
      )
    }
  })
})
