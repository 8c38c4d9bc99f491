import { parseWholeNumber } from '../../contracts/integers.js'
import { parseArgs } from 'node:util'

export const USAGE = `usage: jobq-worker [QUEUE...] [--concurrency N] [--processes N] [--grace-ms MS]

Runs the jobs of the given queues (default: JOBQ_QUEUES, else every queue).
  --concurrency N   jobs at once per queue (env JOBQ_CONCURRENCY; default: the queue's own)
  --processes N     keep N worker processes alive, restarting any that dies (env JOBQ_PROCESSES)
  --grace-ms MS     on SIGTERM, wait this long for active jobs (env JOBQ_GRACE_MS; default 30000)
  -h, --help        show this help

SIGTERM or SIGINT stops it: no new jobs, active ones get the grace period, then go back to their
queue. The process ends within the grace period plus 3 s, whatever Redis does. Exit codes:
  0  stopped cleanly: every job it took finished or went back to its queue
  1  could not start (configuration, registry, a setup() that threw)
  2  usage error
  3  stopped, but not cleanly: Redis did not confirm in time (unreachable), the stop came while
     it was starting, or a pool process had to be killed; unfinished jobs return to their queue
     through the stalled check once their lock expires`

/** What the command line asks for; `undefined` means "not given, use the environment". */
export interface WorkerArgs {
  queues: string[]
  concurrency?: number
  processes?: number
  graceMs?: number
  help: boolean
}

/** A command line that cannot be understood; main prints it with the usage and exits 2. */
export class WorkerUsageError extends Error {
  override readonly name = 'WorkerUsageError'
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
    throw new WorkerUsageError((err as Error).message)
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
  try {
    return parseWholeNumber(flag, raw, { min, max: Number.MAX_SAFE_INTEGER })
  } catch (err) {
    throw new WorkerUsageError((err as Error).message)
  }
}
