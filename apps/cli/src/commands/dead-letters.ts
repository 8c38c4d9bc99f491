import type { Command } from 'commander'
import type { JobView } from '@jobq/queue-core'
import { parse, withContext } from '../command-kit.js'
import { ago, color, printJson, table } from '../output.js'
import { fieldsOf } from './search.js'

interface DeadLetterOptions {
  queue?: string
  reason?: string
  from?: string
  to?: string
  cursor?: string
  limit: number
  json?: boolean
}

/** `jobq dead-letters [NAME] [FIELD=VALUE…] [--queue Q] [--reason TEXT]`: failed jobs, newest first. */
export function registerDeadLetters(program: Command): void {
  program
    .command('dead-letters')
    .description(
      'failed jobs (attempts spent, or failed permanently), newest first (GET /v1/dead-letters)',
    )
    .argument('[name]', 'the job, e.g. demo.order (needed with FIELD=VALUE filters)')
    .argument('[filters...]', 'FIELD=VALUE of a declared search field, as in jobq search')
    .option('-q, --queue <queue>', "the queue whose failed set is walked (or the job's)")
    .option('--reason <text>', 'a substring of the failure reason (case-insensitive)')
    .option('--from <iso>', 'enqueued at or after (ISO 8601)')
    .option('--to <iso>', 'enqueued at or before (ISO 8601)')
    .option('--cursor <cursor>', 'the next page: nextCursor of the page before')
    .option('-l, --limit <n>', 'at most this many (1-200)', parse.int(1, 200), 20)
    .option('--json', 'print the page as JSON ({ jobs, nextCursor, examined })')
    .addHelpText(
      'after',
      `\nExamples:\n  $ jobq dead-letters --queue default --reason timeout\n  $ jobq dead-letters demo.order customerId=c42 --json\n  Redrive them: jobq bulk redrive …`,
    )
    .action(
      async (
        name: string | undefined,
        filters: string[],
        options: DeadLetterOptions,
        command: Command,
      ) =>
        withContext(command, async (ctx) => {
          const { json, limit, ...fixed } = options
          const page = await ctx.ops.deadLetters.list({
            ...(name !== undefined && { name }),
            ...fieldsOf(filters),
            limit: String(limit),
            ...Object.fromEntries(Object.entries(fixed).filter(([, v]) => v !== undefined)),
          })
          if (json) return printJson(page)
          if (page.jobs.length === 0) console.log(color.dim('no dead letters match'))
          else
            console.log(table(['ID', 'NAME', 'FAILED', 'ATTEMPTS', 'REASON'], page.jobs.map(row)))
          if (page.nextCursor) console.log(color.dim(`more: --cursor ${page.nextCursor}`))
        }),
    )
}

function row(job: JobView) {
  return [
    job.id,
    job.name,
    ago(job.finishedAt),
    job.attemptsMade,
    (job.failedReason ?? '').slice(0, 60),
  ]
}
