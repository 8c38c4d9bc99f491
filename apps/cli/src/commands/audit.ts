import { InvalidArgumentError, type Command } from 'commander'
import type { AuditEntry } from '@jobq/queue-core/contracts'
import { parse, withContext } from '../command-kit.js'
import { color, printJson, table } from '../output.js'

interface AuditOptions {
  limit: number
  action?: string
  token?: string
  cursor?: string
  json?: boolean
}

/** `jobq audit [--limit N] [--action A] [--token NAME] [--json]`: the trail, newest first. */
export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('the audit trail of admin actions, newest first (GET /v1/audit)')
    .option('-l, --limit <n>', 'at most this many (1-1000)', parse.int(1, 1_000), 20)
    .option('--action <action>', 'only this action, e.g. "POST /v1/queues/{queue}/empty"')
    .option('--token <name>', 'only the actions of this token name')
    .option('--cursor <cursor>', 'the next page: nextCursor of the page before', cursor)
    .option('--json', 'print the page as JSON ({ entries, nextCursor })')
    .action(async (options: AuditOptions, command: Command) =>
      withContext(command, async (ctx) => {
        const { json, ...query } = options
        const page = await ctx.ops.audit.list(query)
        if (json) return printJson(page)
        if (page.entries.length === 0) console.log(color.dim('no admin actions recorded'))
        else
          console.log(
            table(['AT', 'TOKEN', 'ACTION', 'TARGET', 'AFFECTED', 'STATUS'], page.entries.map(row)),
          )
        if (page.nextCursor) console.log(color.dim(`more: --cursor ${page.nextCursor}`))
      }),
    )
}

const row = (e: AuditEntry) => [
  e.at,
  e.token,
  e.action,
  Object.entries(e.target)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ') || '-',
  e.affected === null ? '-' : String(e.affected),
  String(e.status),
]

/** A stream id, as `nextCursor` answers it (`<ms>-<seq>`). */
function cursor(raw: string): string {
  if (!/^\d{1,20}-\d{1,20}$/.test(raw)) {
    throw new InvalidArgumentError('must be a nextCursor the list answered, e.g. 1764567890123-0')
  }
  return raw
}
