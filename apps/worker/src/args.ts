import { parseArgs } from 'node:util'

export const USAGE = `usage: jobq-worker [QUEUE...] [--concurrency N] [--processes N] [--grace-ms MS]

Runs the jobs of the given queues (default: JOBQ_QUEUES, else every queue).
  --concurrency N   jobs at once per queue (env JOBQ_CONCURRENCY; default: the queue's own)
  --processes N     keep N worker processes alive, restarting any that dies (env JOBQ_PROCESSES)
  --grace-ms MS     on SIGTERM, wait this long for active jobs (env JOBQ_GRACE_MS; default 30000)
  -h, --help        show this help`

/** What the command line asks for; `undefined` means "not given, use the environment". */
export interface WorkerArgs {
  queues: string[]
  concurrency?: number
  processes?: number
  graceMs?: number
  help: boolean
}

/** A command line that cannot be understood; main prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** Parses `[QUEUE...] [--concurrency N] [--grace-ms MS]`. */
export function parseWorkerArgs(argv: string[]): WorkerArgs {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        concurrency: { type: 'string', short: 'c' },
        'grace-ms': { type: 'string' },
        processes: { type: 'string', short: 'p' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const { values, positionals } = parsed
  return {
    queues: positionals.flatMap((q) => q.split(',')).filter(Boolean),
    concurrency: positiveInt('--concurrency', values.concurrency, 1),
    processes: positiveInt('--processes', values.processes, 1),
    graceMs: positiveInt('--grace-ms', values['grace-ms'], 0),
    help: values.help,
  }
}

function positiveInt(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    throw new UsageError(`${flag} must be a whole number of at least ${min}, got "${raw}"`)
  }
  return value
}
