#!/usr/bin/env node
// Makes the folder an image runs from: `node scripts/deploy-folder.mjs <app> <dir>` where app is
// producer or worker. The Dockerfiles run exactly this in their build stage, and CI runs it too
// (infra/test/deploy-folder.test.ts), then starts the app from the folder against a real Redis,
// which is how the image steps are proven on a machine with no Docker engine.
//
// `pnpm deploy --prod` copies the app with only its production dependencies, the workspace
// packages it uses (@jobq/jobs, @jobq/queue-core) copied in as real folders (pnpm 10+ injects
// them), and nothing else: no dev tools, no sources of other apps. Run `pnpm build` first.
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'

const [app, out] = process.argv.slice(2)
const apps = ['producer', 'worker', 'cli']
if (!apps.includes(app) || !out) {
  console.error(`usage: node scripts/deploy-folder.mjs <${apps.join('|')}> <dir>`)
  process.exit(2)
}
const root = new URL('..', import.meta.url)
if (!existsSync(new URL(`apps/${app}/dist/main.js`, root))) {
  console.error(`apps/${app}/dist/main.js is missing: run \`pnpm build\` first`)
  process.exit(1)
}
const dir = resolve(out)
rmSync(dir, { recursive: true, force: true })
const result = spawnSync(
  'pnpm',
  ['--filter', `@jobq/${app}`, 'deploy', '--prod', '--config.confirm-modules-purge=false', dir],
  { cwd: root, stdio: 'inherit' },
)
process.exit(result.status ?? 1)
