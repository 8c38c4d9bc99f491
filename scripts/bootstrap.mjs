#!/usr/bin/env node
// Makes a fresh machine (Node >= 20.19 and npm) ready to run and test jobq: pnpm, the workspace's
// dependencies and, where needed, Debian's redis-server. Plain Node, no dependencies: it runs
// before anything is installed. Flags:
//   --redis           redis-server must be installed (tests start their own)
//   --redis-if-local  only when REDIS_URL is unset (dev starts an embedded one)
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const root = new URL('..', import.meta.url)
const args = new Set(process.argv.slice(2))
const say = (message) => console.log(`\x1b[36mjobq bootstrap:\x1b[0m ${message}`)
const die = (message) => {
  console.error(`\x1b[31mjobq bootstrap:\x1b[0m ${message}`)
  process.exit(1)
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

function run(command, argv, options = {}) {
  const result = spawnSync(command, argv, { stdio: 'inherit', cwd: root, ...options })
  return result.status === 0
}

// 1. Node itself: the toolchain (eslint 10, vite 8) needs 20.19 or newer.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 20 || (major === 20 && minor < 19)) {
  die(`Node ${process.versions.node} is too old: install Node 20.19 or newer (22 LTS works too).`)
}

// 2. pnpm, at the version package.json pins (corepack is unreliable here, so npm installs it).
const pinned = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).packageManager
const wanted = pinned.replace(/^pnpm@/, '')
const current = has('pnpm') ? execFileSync('pnpm', ['--version'], { encoding: 'utf8' }).trim() : ''
if (current.split('.')[0] !== wanted.split('.')[0]) {
  say(current ? `pnpm ${current} found, installing pnpm ${wanted}` : `installing pnpm ${wanted}`)
  if (!run('npm', ['install', '--global', `pnpm@${wanted}`])) {
    die(`could not install pnpm. Run: npm install --global pnpm@${wanted} (with sudo if npm asks)`)
  }
}

// 3. redis-server, when this command needs one on this machine.
const needRedis = args.has('--redis') || (args.has('--redis-if-local') && !process.env.REDIS_URL)
if (needRedis && !has('redis-server')) {
  const isRoot = process.getuid?.() === 0
  if (has('apt-get') && (isRoot || has('sudo'))) {
    say('installing redis-server with apt-get')
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    const apt = (...argv) =>
      isRoot ? run('apt-get', argv, { env }) : run('sudo', ['-E', 'apt-get', ...argv], { env })
    if (!apt('update', '-qq') || !apt('install', '-y', '-qq', 'redis-server')) {
      die(
        'apt-get could not install redis-server. Install it by hand: apt-get install -y redis-server',
      )
    }
  } else if (has('brew')) {
    say('installing redis with Homebrew')
    if (!run('brew', ['install', 'redis'])) die('brew could not install redis: brew install redis')
  } else {
    die(
      'redis-server is not installed and this machine has no apt-get (as root or with sudo) or brew.\n' +
        '  Install Redis 7 so that `redis-server` is on PATH, or point REDIS_URL at a running Redis.',
    )
  }
}

// 4. The workspace's dependencies (a no-op when the lockfile and node_modules agree).
if (!run('pnpm', ['install', '--frozen-lockfile'])) {
  die('pnpm install failed (see above). If you changed a package.json, run `pnpm install` once.')
}
