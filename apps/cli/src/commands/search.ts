import type { Command } from 'commander'
import type { JobView } from '@jobq/queue-core'
import { UsageError } from '../errors.js'
import { parse, withContext } from '../command-kit.js'
import { ago, color, paintState, printJson, table } from '../output.js'

interface SearchOptions {
  queue?: string
  state?: string
  reason?: string
  from?: string
  to?: string
  cursor?: string
  limit: number
  json?: boolean
}

/** `jobq search NAME FIELD=VALUE… [--state S] [--reason TEXT] [--from T] [--to T]`. */
export function registerSearch(program: Command): void {
  program
    .command('search')
    .description("find a job's jobs by its declared search fields, newest first (GET /v1/jobs)")
    .argument('<name>', 'the job, e.g. demo.order')
    .argument('<filters...>', 'FIELD=VALUE of a declared search field, e.g. customerId=c42')
    .option('-q, --queue <queue>', "only this queue (refused when it is not the job's)")
    .option('-s, --state <state>', 'only jobs in this state', parse.state)
    .option('--reason <text>', 'a substring of the failure reason (case-insensitive)')
    .option('--from <iso>', 'enqueued at or after (ISO 8601)')
    .option('--to <iso>', 'enqueued at or before (ISO 8601)')
    .option('--cursor <cursor>', 'the next page: nextCursor of the page before')
    .option('-l, --limit <n>', 'at most this many (1-200)', parse.int(1), 20)
    .option('--json', 'print the page as JSON ({ jobs, nextCursor, examined })')
    .addHelpText(
      'after',
      `\nExamples:\n  $ jobq search demo.order customerId=c42\n  $ jobq search demo.order customerId=c42 region=eu --state failed --reason negative --json`,
    )
    .action(async (name: string, filters: string[], options: SearchOptions, command: Command) =>
      withContext(command, async (ctx) => {
        const { json, limit, ...fixed } = options
        const page = await ctx.ops.jobs.search({
          name,
          ...fieldsOf(filters),
          ...Object.fromEntries(Object.entries(fixed).filter(([, v]) => v !== undefined)),
          limit: String(limit),
        })
        if (json) return printJson(page)
        if (page.jobs.length === 0) console.log(color.dim(`no ${name} jobs match`))
        else console.log(table(['ID', 'STATE', 'CREATED', 'DATA', 'REASON'], page.jobs.map(row)))
        if (page.nextCursor) console.log(color.dim(`more: --cursor ${page.nextCursor}`))
      }),
    )
}

/** `field=value` arguments as query keys; a malformed one is a usage error (exit 2). */
export function fieldsOf(filters: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    filters.map((filter) => {
      const at = filter.indexOf('=')
      if (at < 1)
        throw new UsageError(`filter "${filter}" must be FIELD=VALUE, e.g. customerId=c42`)
      return [filter.slice(0, at), filter.slice(at + 1)]
    }),
  )
}

function row(job: JobView) {
  return [
    job.id,
    paintState(job.state),
    ago(job.createdAt),
    JSON.stringify(job.data).slice(0, 60),
    (job.failedReason ?? '').slice(0, 60),
  ]
}
