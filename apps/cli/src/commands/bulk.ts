import { setTimeout as delay } from 'node:timers/promises'
import type { Command } from 'commander'
import { Presets, SingleBar } from 'cli-progress'
import type { BulkOperation, JobState } from '@jobq/queue-core'
import { audited } from '../audit-trail.js'
import { confirm, parse, withContext } from '../command-kit.js'
import type { CliContext } from '../context.js'
import { CommandFailedError, UsageError } from '../errors.js'
import { color, printJson } from '../output.js'
import { fieldsOf } from './search.js'

const ACTIONS = ['retry', 'cancel', 'remove', 'promote', 'redrive'] as const

/** How often the progress of the running operation is read (it runs in this process). */
const FOLLOW_MS = 250

interface BulkOptions {
  queue?: string
  state?: JobState
  reason?: string
  from?: string
  to?: string
  ids?: string
  data?: string
  dryRun?: boolean
  yes?: boolean
  json?: boolean
}

/**
 * `jobq bulk ACTION [NAME] [FIELD=VALUE…] [--queue Q] [--state S] [--reason TEXT] [--ids a,b]`:
 * the dry-run count, a y/N question (`--yes`), then the operation with a progress bar.
 */
export function registerBulk(program: Command): void {
  program
    .command('bulk')
    .description('retry, cancel, remove, promote or redrive every job matching a filter')
    .argument('<action>', ACTIONS.join(' | '))
    .argument('[name]', 'the job, e.g. demo.order (needed with FIELD=VALUE filters)')
    .argument('[filters...]', 'FIELD=VALUE of a declared search field, as in jobq search')
    .option('-q, --queue <queue>', "the queue (without a job name: walk this queue's jobs)")
    .option(
      '-s, --state <state>',
      'only jobs in this state (retry, redrive: failed; promote: delayed)',
      parse.state,
    )
    .option('--reason <text>', 'a substring of the failure reason (case-insensitive)')
    .option('--from <iso>', 'enqueued at or after (ISO 8601)')
    .option('--to <iso>', 'enqueued at or before (ISO 8601)')
    .option('--ids <ids>', 'these job ids (comma-separated) instead of a filter')
    .option('--data <json>', 'redrive: the payload every redriven job runs with (checked first)')
    .option('--dry-run', 'only count the jobs that match')
    .option('-y, --yes', 'do not ask (required without a terminal)')
    .option('--json', 'print the final operation (or the dry run) as JSON')
    .addHelpText(
      'after',
      `\nExamples:\n  $ jobq bulk retry --queue default --reason timeout\n  $ jobq bulk redrive demo.order customerId=c42 --data '{"customerId":"c42","region":"eu","amount":1}'\n  $ jobq bulk promote --queue default --yes --json`,
    )
    .action(
      async (
        action: string,
        name: string | undefined,
        rest: string[],
        options: BulkOptions,
        command: Command,
      ) =>
        withContext(command, async (ctx) => {
          if (!(ACTIONS as readonly string[]).includes(action)) {
            throw new UsageError(`unknown action "${action}": one of ${ACTIONS.join(', ')}`)
          }
          const body = bodyOf(name, rest, options)
          const dry = await ctx.ops.bulk.dryRun(action, body)
          if (options.dryRun) {
            if (options.json) return printJson(dry)
            return console.log(`${dry.matched}${dry.more ? '+' : ''} job(s) match; nothing changed`)
          }
          if (dry.matched === 0) {
            if (options.json) return printJson(dry)
            return console.log(color.dim('no job matches; nothing changed'))
          }
          await confirm(`${action} ${dry.matched}${dry.more ? '+' : ''} job(s)?`, options.yes)
          const started = await audited(
            ctx,
            `bulk ${action}`,
            { request: JSON.stringify(body) },
            () => ctx.ops.bulk.start(action, body),
            (operation) => operation.matched,
          )
          const end = await follow(ctx, started, options.json)
          if (options.json) printJson(end)
          else
            console.log(
              `${end.state}: ${end.done} ${action} done, ${end.skipped} skipped (moved on or gone)`,
            )
          if (end.state !== 'done')
            throw new CommandFailedError(
              `operation ${end.id} ${end.state}${end.failed ? `: ${end.failed}` : ''}`,
            )
        }),
    )
}

/** The request body: `--ids`, or the filter of the name, fields and flags. */
function bodyOf(name: string | undefined, rest: string[], options: BulkOptions) {
  // `jobq bulk retry customerId=c1` has no name: its first filter landed in `name`.
  if (name?.includes('=')) throw new UsageError(`give the job name before FIELD=VALUE filters`)
  const data = options.data === undefined ? undefined : jsonOf(options.data)
  const payload = data === undefined ? {} : { data }
  if (options.ids !== undefined) {
    if (name !== undefined) throw new UsageError('give either --ids or a filter, not both')
    return { ids: options.ids.split(',').filter(Boolean), ...payload }
  }
  const { queue, state, reason, from, to } = options
  const fixed = Object.entries({ name, queue, state, reason, from, to }).filter(
    ([, v]) => v !== undefined,
  )
  return { filter: { ...Object.fromEntries(fixed), ...fieldsOf(rest) }, ...payload }
}

function jsonOf(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown
  } catch {
    throw new UsageError('--data must be JSON, e.g. \'{"amount":1}\'')
  }
}

/** Follows the operation (running in this process) to its end, with a progress bar on a terminal. */
async function follow(
  ctx: CliContext,
  started: BulkOperation,
  json?: boolean,
): Promise<BulkOperation> {
  const bar =
    process.stderr.isTTY && !json
      ? new SingleBar(
          { format: `${started.action} [{bar}] {value}/{total}` },
          Presets.shades_classic,
        )
      : undefined
  bar?.start(started.matched, 0)
  try {
    for (let op = started; ; await delay(FOLLOW_MS)) {
      op = (await ctx.ops.bulk.get(started.id)) ?? op
      bar?.update(op.done + op.skipped)
      if (op.state !== 'running') return op
    }
  } finally {
    bar?.stop()
  }
}
