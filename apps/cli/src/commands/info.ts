import type { Command } from 'commander'
import logUpdate from 'log-update'
import type { QueueSummary, WorkerRecord } from '@jobq/queue-core'
import { parse, withContext } from '../command-kit.js'
import type { CliContext } from '../context.js'
import { ago, color, paintState, printJson, table } from '../output.js'

interface InfoOptions {
  watch?: boolean
  interval: number
  json?: boolean
}

/** `jobq info`: queues with counts, workers with state: RQ's `rq info`, `--watch` like `-i`. */
export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('queues with counts per state, and the workers serving them')
    .argument('[queues...]', 'only these queues (default: all)')
    .option('-w, --watch', 'redraw until Ctrl-C')
    .option('--interval <ms>', 'redraw interval with --watch', parse.int(100), 1_000)
    .option('--json', 'print JSON for scripts')
    .addHelpText(
      'after',
      `
Examples:
  $ jobq info
  $ jobq info default --watch
  $ jobq info --json | jq '.queues[] | {name, backlog}'`,
    )
    .action(async (queues: string[], options: InfoOptions, command: Command) =>
      withContext(command, async (ctx) => {
        const read = () => snapshot(ctx, queues)
        if (options.json) return printJson(await read())
        if (!options.watch) return void process.stdout.write(`${render(await read())}\n`)
        await watch(read, options.interval)
      }),
    )
}

/** The queues asked for (all without names; an unknown name throws), and their workers. */
async function snapshot(ctx: CliContext, only: string[]) {
  const [queues, workers] = await Promise.all([
    only.length
      ? Promise.all(only.map((name) => ctx.ops.queues.summary(name)))
      : ctx.ops.queues.summaries(),
    ctx.ops.fleet.workers(),
  ])
  const wanted = (name: string) => only.length === 0 || only.includes(name)
  return { queues, workers: workers.filter((w) => w.queues.some(wanted)) }
}

function render({ queues, workers }: { queues: QueueSummary[]; workers: WorkerRecord[] }) {
  const queueTable = table(
    [
      'QUEUE',
      'WAITING',
      'DELAYED',
      'ACTIVE',
      'COMPLETED',
      'FAILED',
      'BACKLOG',
      'PAUSED',
      'WORKERS',
    ],
    queues.map((q) => [
      q.name,
      q.counts.waiting,
      q.counts.delayed,
      q.counts.active,
      q.counts.completed,
      q.counts.failed ? color.red(String(q.counts.failed)) : 0,
      q.backlog,
      q.paused ? color.yellow('paused') : 'no',
      q.workers,
    ]),
  )
  const workerPart = workers.length ? workerTable(workers) : color.dim('no workers running')
  return `${queueTable}\n\n${workerPart}\n${color.dim(`${workers.length} worker(s), ${new Date().toISOString()}`)}`
}

async function watch(read: () => ReturnType<typeof snapshot>, intervalMs: number) {
  let stopped = false
  const stop = () => (stopped = true)
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  while (!stopped) {
    logUpdate(render(await read()))
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  logUpdate.done()
}

/** The worker records as a table: what `jobq info` and `jobq workers` show. */
export function workerTable(workers: WorkerRecord[]): string {
  return table(
    ['WORKER', 'STATE', 'QUEUES', 'CURRENT JOB', 'HEARTBEAT', 'SUCCEEDED', 'FAILED', 'PID'],
    workers.map((w) => [
      w.id,
      paintState(w.state),
      w.queues.join(','),
      w.currentJobs.join(',') || '-',
      ago(w.lastHeartbeat),
      w.succeeded,
      w.failed,
      w.pid,
    ]),
  )
}
