import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { registry } from '@jobq/jobs'
import { checkCompose, envKeys } from './compose-check.js'

const file = fileURLToPath(new URL('../compose.yaml', import.meta.url))
const text = readFileSync(file, 'utf8')

describe('infra/compose.yaml', () => {
  const { doc, problems } = checkCompose(file)

  it('is valid Compose Spec and every reference resolves', () => {
    expect(problems).toEqual([])
    console.log(
      `[compose] ${Object.keys(doc.services).length} services valid: ${Object.keys(doc.services).join(', ')}`,
    )
  })

  it('runs Redis with AOF, a password, noeviction and a volume', () => {
    const redis = JSON.stringify(doc.services.redis)
    for (const flag of ['--appendonly yes', '--requirepass', '--maxmemory-policy noeviction']) {
      expect(redis).toContain(flag)
    }
    expect(doc.services.redis?.volumes).toEqual(['redis-data:/data'])
  })

  it('has one worker service per registry queue, with replicas and a stop grace above JOBQ_GRACE_MS', () => {
    const workers = Object.values(doc.services).filter((s) => s.image === 'jobq-worker:latest')
    const queues = workers.map((s) => [s.command].flat().at(-1))
    expect(queues.sort()).toEqual([...registry.queueNames].sort())
    const graceMs = Number(
      /JOBQ_GRACE_MS=(\d+)/.exec(
        readFileSync(file.replace('compose.yaml', '.env.example'), 'utf8'),
      )![1],
    )
    for (const worker of workers) {
      expect(worker.deploy?.replicas).toBeGreaterThanOrEqual(1)
      expect(Number.parseInt(worker.stop_grace_period!) * 1000).toBeGreaterThan(graceMs)
    }
  })

  it('runs the Flask lab against the producer service, once the producer is healthy', () => {
    const lab = doc.services['flask-lab']
    expect(lab?.environment).toMatchObject({ JOBQ_URL: 'http://producer:3000', PORT: '5000' })
    expect(lab?.depends_on).toEqual({ producer: { condition: 'service_healthy' } })
    expect(JSON.stringify(lab?.healthcheck)).toContain('127.0.0.1:5000/healthz')
  })

  it('names every variable the apps need in .env.example', () => {
    const keys = envKeys(file.replace('compose.yaml', '.env.example'))
    for (const key of [
      'REDIS_URL',
      'JOBQ_API_TOKENS',
      'REDIS_PASSWORD',
      'WORKER_HTTP_PORT',
      'JOBQ_TOKEN',
    ]) {
      expect(keys).toContain(key)
    }
  })

  // Every check above must be able to fail: break the file on purpose and see each caught.
  it.each([
    [
      'a misspelled key',
      text.replace(
        'restart: unless-stopped\n    healthcheck:\n      test: [CMD-SHELL',
        'restrat: unless-stopped\n    healthcheck:\n      test: [CMD-SHELL',
      ),
      /schema: \/services\/redis must NOT have additional properties.*restrat/,
    ],
    [
      'a misspelled deploy key',
      text.replace('replicas: 2', 'replica: 2'),
      /schema: \/services\/worker-default\/deploy must NOT have additional properties.*replica/,
    ],
    [
      'a restart policy that is not unless-stopped',
      text.replace(
        '    restart: unless-stopped\n    depends_on:\n      redis:\n        condition: service_healthy\n    healthcheck:\n      test:\n        - CMD\n        - node\n        - -e\n        - "fetch(\'http://127.0.0.1:3000',
        '    restart: "no"\n    depends_on:\n      redis:\n        condition: service_healthy\n    healthcheck:\n      test:\n        - CMD\n        - node\n        - -e\n        - "fetch(\'http://127.0.0.1:3000',
      ),
      /producer: restart is not unless-stopped/,
    ],
    [
      'a depends_on typo',
      text.replace(
        '    depends_on:\n      redis:\n        condition: service_healthy\n    healthcheck:\n      test:\n        - CMD\n        - node\n        - -e\n        - "fetch(\'http://127.0.0.1:3000',
        '    depends_on:\n      rediss:\n        condition: service_healthy\n    healthcheck:\n      test:\n        - CMD\n        - node\n        - -e\n        - "fetch(\'http://127.0.0.1:3000',
      ),
      /producer: depends_on unknown service rediss/,
    ],
    [
      'an undeclared volume',
      text.replace('redis-data:/data', 'redis-dta:/data'),
      /volume redis-dta is not declared/,
    ],
    [
      'a missing Dockerfile',
      text.replace('infra/docker/producer.Dockerfile', 'infra/docker/api.Dockerfile'),
      /producer: Dockerfile .*api.Dockerfile is missing/,
    ],
    [
      'an unknown variable',
      text.replace('${REDIS_PASSWORD:?', '${REDIS_PASWORD:?'),
      /\$\{REDIS_PASWORD\} is not in .env.example/,
    ],
    [
      'a duplicate key',
      text.replace(
        '    image: jobq-producer:latest\n',
        '    image: jobq-producer:latest\n    image: other\n',
      ),
      /Map keys must be unique/,
    ],
  ])('catches %s', (_what, broken, message) => {
    expect(broken).not.toBe(text)
    let found: string[]
    try {
      found = checkCompose(file, broken).problems
    } catch (err) {
      found = [(err as Error).message]
    }
    expect(found.join('\n')).toMatch(message)
  })
})
