import { setTimeout as sleep } from 'node:timers/promises'
import type { Command } from 'commander'
import type { JobLogs } from '@jobq/queue-core/contracts'
import { parse, withContext } from '../command-kit.js'
import type { CliContext } from '../context.js'
import { CommandFailedError } from '../errors.js'
import { color, printJson } from '../output.js'

/** How often `--follow` reads the log again: short enough to feel live, one small read each. */
const FOLLOW_EVERY_MS = 250

/** The most lines one read asks for (the route's cap). */
const PAGE = 1_000

type LogLine = JobLogs['lines'][number]

interface LogsOptions {
  follow?: boolean
  json?: boolean
  offset: number
  limit: number
}

/** `jobq logs ID [--follow] [--json]`: what a job's handler wrote with `ctx.log`. */
export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description("a job's log (what its handler wrote with ctx.log), oldest line first")
    .argument('<id>')
    .option('-f, --follow', 'print new lines as the job writes them, until it finishes')
    .option('--offset <n>', 'skip this many lines', parse.int(0), 0)
    .option(
      '-l, --limit <n>',
      'at most this many lines (without --follow)',
      parse.int(1, PAGE),
      100,
    )
    .option('--json', 'print JSON for scripts (with --follow: one line object per line)')
    .addHelpText(
      'after',
      '\nWith --follow it exits 0 when the job completed and 1 when it failed.\n\nExamples:\n' +
        '  $ jobq logs 5b0c2f1e-4f1a-4f7e-9d51-1f0e4a2b3c4d\n' +
        '  $ jobq logs 5b0c2f1e-4f1a-4f7e-9d51-1f0e4a2b3c4d --follow',
    )
    .action(async (id: string, options: LogsOptions, command: Command) =>
      withContext(command, async (ctx) => {
        if (options.follow) return follow(ctx, id, options)
        const page = await ctx.ops.jobs.logs(id, options)
        if (options.json) return printJson(page)
        if (page.lines.length === 0) console.log(color.dim(`no log lines for job ${id}`))
        for (const line of page.lines) console.log(render(line))
      }),
    )
}

/**
 * Prints the lines from `offset` on as they come, then settles on the job's outcome. A page read
 * with a final state holds every line there is (`operations/job-logs.ts`), so none is missed.
 */
async function follow(ctx: CliContext, id: string, options: LogsOptions): Promise<void> {
  let offset = options.offset
  for (;;) {
    const page = await ctx.ops.jobs.logs(id, { offset, limit: PAGE })
    for (const line of page.lines) {
      if (options.json) process.stdout.write(`${JSON.stringify(line)}\n`)
      else console.log(render(line))
    }
    offset += page.lines.length
    if (page.lines.length === PAGE) continue // more already there: read on without waiting
    if (page.state === 'completed') return
    if (page.state === 'failed') throw new CommandFailedError(`job ${id} failed`)
    await sleep(FOLLOW_EVERY_MS)
  }
}

function render(line: LogLine): string {
  if (line.time === undefined) return line.message
  const level = (line.level ?? '').toUpperCase().padEnd(5)
  const painted = line.level === 'error' || line.level === 'fatal' ? color.red(level) : level
  const fields = line.fields ? ` ${color.dim(JSON.stringify(line.fields))}` : ''
  return `${color.dim(line.time)} ${painted} #${line.attempt} ${line.message}${fields}`
}
