import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { Command } from 'commander'
import { registry } from '@jobq/jobs'
import {
  checkRegistryLock,
  formatRegistryLock,
  parseRegistryLock,
  registryLockOf,
  type LockBreak,
  type RegistryLock,
} from '@jobq/queue-core'
import { CommandFailedError, UsageError } from '../errors.js'
import { color, printJson, table } from '../output.js'

/** Where the lock lives in the repository. */
const LOCK_PATH = 'packages/jobs/registry.lock.json'

interface LockFlags {
  file?: string
  force?: boolean
  json?: boolean
}

/**
 * `jobq registry lock` and `jobq registry check`: the payload contracts over time (issue 16).
 * Neither touches Redis: they compare the registry this CLI was built with and the lock file.
 */
export function registerRegistry(program: Command): void {
  const group = program
    .command('registry')
    .description("the registry's lock: every job's versions and the JSON Schema of their payloads")
  group
    .command('check')
    .description(
      'compare the registry with the lock; exit 1 naming job, version and field on a change that ' +
        'could break queued jobs or readers of results',
    )
    .option('--file <path>', `the lock file (default ${LOCK_PATH} of the repository)`)
    .option('--json', 'print JSON for scripts')
    .action(async (flags: LockFlags) => {
      const file = lockFile(flags.file)
      const breaks = checkRegistryLock(registry, await readLock(file))
      report(breaks, flags.json, file)
      if (breaks.length) {
        throw new CommandFailedError(
          `${breaks.length} breaking change(s) against ${file}: raise the job's version with an ` +
            'upcaster, or undo the change',
        )
      }
    })
  group
    .command('lock')
    .description(
      'write the lock from the registry (refuses over a breaking change without --force)',
    )
    .option('--file <path>', `the lock file (default ${LOCK_PATH} of the repository)`)
    .option('--force', 'write it even over breaking changes (e.g. a job removed once drained)')
    .option('--json', 'print JSON for scripts')
    .action(async (flags: LockFlags) => {
      const file = lockFile(flags.file)
      const before = existsSync(file) ? await readLock(file) : undefined
      const breaks = before ? checkRegistryLock(registry, before) : []
      if (breaks.length && !flags.force) {
        report(breaks, flags.json, file)
        throw new CommandFailedError(
          `${breaks.length} breaking change(s): lock not written (--force writes it anyway)`,
        )
      }
      const lock = registryLockOf(registry)
      await writeFile(file, formatRegistryLock(lock))
      const jobs = Object.keys(lock.jobs).length
      if (flags.json) return printJson({ file, jobs, overridden: breaks })
      console.log(`${file}: ${jobs} jobs locked${breaks.length ? color.yellow(' (forced)') : ''}`)
    })
}

/** `--file`, else the lock in the repository around the working folder. */
function lockFile(flag: string | undefined): string {
  if (flag) return resolve(flag)
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return join(dir, LOCK_PATH)
    if (dirname(dir) === dir) return resolve(LOCK_PATH)
  }
}

async function readLock(file: string): Promise<RegistryLock> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'ENOENT'
      ? new UsageError(`no lock at ${file}: run \`jobq registry lock\` first`)
      : new CommandFailedError(`cannot read ${file}: ${err.message}`)
  })
  try {
    return parseRegistryLock(text)
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message}`)
  }
}

function report(breaks: LockBreak[], json: boolean | undefined, file: string): void {
  if (json) return printJson({ file, breaking: breaks })
  if (!breaks.length) return console.log(`${file}: the registry keeps every locked contract`)
  console.error(
    table(
      ['JOB', 'VERSION', 'FIELD', 'KIND', 'WHAT'],
      breaks.map((b) => [b.job, b.version, b.field, b.kind, b.message]),
    ),
  )
}
