import type { Command } from 'commander'
import type { JobState, JobView } from '@jobq/queue-core'
import { parse, withContext } from '../command-kit.js'
import { ago, color, paintState, printJson, table } from '../output.js'

/** `jobq jobs QUEUE [--state S]` and `jobq job ID`. */
export function registerJobs(program: Command): void {
  program
    .command('jobs')
    .description("list a queue's jobs in one state, newest first")
    .argument('<queue>')
    .option(
      '-s, --state <state>',
      'waiting, delayed, active, completed, failed, waiting-children',
      parse.state,
      'waiting',
    )
    .option('-l, --limit <n>', 'at most this many', parse.int(1), 20)
    .option('--offset <n>', 'skip this many', parse.int(0), 0)
    .option('--json', 'print JSON for scripts')
    .addHelpText(
      'after',
      `\nExamples:\n  $ jobq jobs default --state failed\n  $ jobq jobs big_file --state active --json`,
    )
    .action(
      async (
        queue: string,
        options: { state: JobState; limit: number; offset: number; json?: boolean },
        command: Command,
      ) =>
        withContext(command, async (ctx) => {
          const jobs = await ctx.ops.jobs.list(queue, options)
          if (options.json) return printJson(jobs)
          if (jobs.length === 0)
            return console.log(color.dim(`no ${options.state} jobs in ${queue}`))
          console.log(
            table(
              ['ID', 'NAME', 'STATE', 'ATTEMPTS', 'CREATED', 'FINISHED', 'REASON'],
              jobs.map((job) => [
                job.id,
                job.name,
                paintState(job.state),
                job.attemptsMade,
                ago(job.createdAt),
                ago(job.finishedAt),
                (job.failedReason ?? '').slice(0, 60),
              ]),
            ),
          )
        }),
    )

  program
    .command('job')
    .description('one job: state, data, result or reason, attempts, worker, times')
    .argument('<id>')
    .option('--json', 'print JSON for scripts')
    .addHelpText('after', `\nExample:\n  $ jobq job 5b0c2f1e-4f1a-4f7e-9d51-1f0e4a2b3c4d`)
    .action(async (id: string, options: { json?: boolean }, command: Command) =>
      withContext(command, async (ctx) => {
        const job = await ctx.ops.jobs.get(id)
        if (options.json) return printJson(job)
        console.log(describe(job))
      }),
    )
}

function describe(job: JobView): string {
  const rows: [string, string][] = [
    ['id', job.id],
    ['name', job.name],
    ['queue', job.queue],
    ['state', paintState(job.state)],
    ['attempts', `${job.attemptsMade} made, ${job.attemptsStarted} started`],
    ['worker', job.workerId ?? '-'],
    ['created', job.createdAt],
    ['started', job.startedAt ?? '-'],
    ['finished', job.finishedAt ?? '-'],
    ['progress', JSON.stringify(job.progress)],
    ['data', JSON.stringify(job.data)],
    job.failedReason
      ? ['reason', color.red(job.failedReason)]
      : ['result', JSON.stringify(job.result)],
    // One line per start: what ended it, on which worker.
    ...(job.history ?? []).map((entry, i): [string, string] => [
      i === 0 ? 'history' : '',
      `#${entry.attempt} ${entry.outcome} on ${entry.workerId} at ${entry.startedAt}` +
        (entry.reason ? `: ${entry.reason}` : ''),
    ]),
  ]
  return rows.map(([key, value]) => `${color.bold(key.padEnd(9))} ${value}`).join('\n')
}
