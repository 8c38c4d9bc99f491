import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { eventually, freePort, testRedisUrl, useHarness } from '@jobq/queue-core/testing'

// No Docker engine here: this runs what each Dockerfile's build stage runs (deploy-folder.mjs),
// checks what its runtime stage copies, and runs the app from that folder as the image would
// (cwd = the folder, `node dist/main.js`), then runs the image's own HEALTHCHECK command.
const root = fileURLToPath(new URL('../../', import.meta.url))
// One harness for the file: the deploy folders are built once and the apps run from them.
const h = useHarness({ label: 'deploy', per: 'file' })
let out: string
beforeAll(() => {
  out = h.scratchDir()
})

function dockerfile(app: string) {
  const text = readFileSync(join(root, `infra/docker/${app}.Dockerfile`), 'utf8')
  const final = text.slice(text.lastIndexOf('\nFROM '))
  const healthcheck = /HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])/.exec(text)?.[1]
  return { text, final, healthcheck: healthcheck && (JSON.parse(healthcheck) as string[]) }
}

function deploy(app: string): string {
  const dir = join(out, app)
  execFileSync(process.execPath, [join(root, 'scripts/deploy-folder.mjs'), app, dir], {
    cwd: root,
    stdio: 'pipe',
  })
  return dir
}

describe('the images, without an engine', () => {
  it.each(['producer', 'worker'])(
    '%s.Dockerfile: multi-stage, deploy folder, non-root, HEALTHCHECK',
    (app) => {
      const { text, final, healthcheck } = dockerfile(app)
      expect(text.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2)
      expect(text).toContain(`node scripts/deploy-folder.mjs ${app} /out`)
      expect(final).toMatch(/^USER node$/m)
      expect(final).toMatch(/^COPY --from=build --chown=node:node \/out/m)
      expect(healthcheck?.[0]).toBe('node')
      expect(final).toMatch(/^CMD \["node", "dist\/main.js"\]$/m)
    },
  )

  it('both deploy folders hold dist and production dependencies only, and run a job end to end', async () => {
    const { prefix } = h
    const dirs = { producer: deploy('producer'), worker: deploy('worker') }
    for (const dir of Object.values(dirs)) {
      expect(readdirSync(dir).filter((f) => !f.startsWith('pnpm-'))).toEqual(
        expect.arrayContaining(['dist', 'node_modules', 'package.json']),
      )
      expect(existsSync(join(dir, 'src'))).toBe(false)
      const store = readdirSync(join(dir, 'node_modules/.pnpm'))
      const devTools = store.filter((p) => /^(vitest|typescript|tsup|tsx|eslint|turbo)@/.test(p))
      expect(devTools).toEqual([])
    }
    console.log(
      `[deploy] producer: ${readdirSync(join(dirs.producer, 'node_modules/.pnpm')).length} packages, worker: ${readdirSync(join(dirs.worker, 'node_modules/.pnpm')).length} packages`,
    )

    const port = await freePort()
    const healthPort = await freePort()
    const env = {
      REDIS_URL: testRedisUrl(),
      JOBQ_PREFIX: prefix,
      PORT: String(port),
      WORKER_HTTP_PORT: String(healthPort),
      NODE_ENV: 'production',
      JOBQ_API_TOKENS: 'deploy-test-token-0123456789',
    }
    const producer = h.spawn('dist/main.js', [], { env, cwd: dirs.producer })
    const worker = h.spawn('dist/main.js', ['reports'], { env, cwd: dirs.worker })
    await Promise.all([producer.waitFor(/producer listening/), worker.waitFor(/taking jobs/)])

    const response = await fetch(`http://127.0.0.1:${port}/v1/jobs/reports.summarize`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${env.JOBQ_API_TOKENS}`,
      },
      body: JSON.stringify({ data: { title: 'from the image', values: [1, 2, 3] } }),
    })
    expect(response.status).toBe(202)
    const { id } = (await response.json()) as { id: string }
    expect(await h.waiter.finished('reports', id)).toMatchObject({
      state: 'completed',
      result: { title: 'from the image', sum: 6 },
    })

    // The images' HEALTHCHECK commands, run as Docker would inside each container.
    for (const [app, dir] of Object.entries(dirs)) {
      const [command, ...args] = dockerfile(app).healthcheck!
      await eventually(
        () => spawnSync(command!, args, { cwd: dir, env: { ...process.env, ...env } }).status,
        (status) => status === 0,
        { what: `${app} HEALTHCHECK to pass`, timeoutMs: 10_000 },
      )
    }
  }, 60_000)
})
