import { InvalidArgumentError, type Command } from 'commander'
import type { GroupView } from '@jobq/queue-core'
import { audited } from '../audit-trail.js'
import { parse, withContext } from '../command-kit.js'
import { color, printJson, table } from '../output.js'

/** Flow control per key (`groups.*`, as on `/v1/queues/:queue/groups` and `/v1/groups/:job/:key`). */
export function registerGroups(program: Command): void {
  program
    .command('groups')
    .description("a queue's keys of grouped jobs with work, busiest first (flow control)")
    .argument('<queue>')
    .option('-n, --limit <n>', 'keys to show (1-500)', parse.int(1, 500), 50)
    .option('--offset <n>', 'keys to skip', parse.int(0), 0)
    .option('--json', 'print JSON for scripts')
    .action(async (queue: string, options: ListFlags, command: Command) =>
      withContext(command, async (ctx) => {
        const page = await ctx.ops.groups.list(queue, options)
        if (options.json) return printJson(page)
        if (!page.groups.length) return console.log(color.dim(`no key of ${queue} has work`))
        console.log(groupTable(page.groups))
        console.log(color.dim(`${page.groups.length} of ${page.total} key(s)`))
      }),
    )

  const group = program
    .command('group')
    .description("set or reset one key's limits at run time (e.g. a premium tenant)")
  group
    .command('set')
    .description("other limits for one key; flags left out keep the job definition's")
    .argument('<job>')
    .argument('<key>')
    .option('-c, --concurrency <n>', 'jobs of the key at once', parse.int(1, 100_000))
    .option('--rate <max/duration>', 'at most MAX starts per DURATION, e.g. 10/1m', parseRate)
    .option('--no-rate', 'no rate limit for this key')
    .option('--json', 'print JSON for scripts')
    .addHelpText('after', `\nExample:\n  $ jobq group set demo.tenant-task acme --concurrency 5`)
    .action(async (job: string, key: string, options: SetFlags, command: Command) =>
      withContext(command, async (ctx) => {
        const request = {
          ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
          ...(options.rate === false ? { rate: null } : options.rate && { rate: options.rate }),
        }
        const target = { job, key, limits: JSON.stringify(request) }
        const limits = await audited(ctx, 'group set', target, () =>
          ctx.ops.groups.setLimits(job, key, request),
        )
        show(limits, options.json)
      }),
    )
  group
    .command('reset')
    .description("drop one key's override: its job definition's limits apply again")
    .argument('<job>')
    .argument('<key>')
    .option('--json', 'print JSON for scripts')
    .action(async (job: string, key: string, options: { json?: boolean }, command: Command) =>
      withContext(command, async (ctx) => {
        const limits = await audited(ctx, 'group reset', { job, key }, () =>
          ctx.ops.groups.resetLimits(job, key),
        )
        show(limits, options.json)
      }),
    )
}

interface ListFlags {
  limit: number
  offset: number
  json?: boolean
}

interface SetFlags {
  concurrency?: number
  /** Commander's `--no-rate` sets false; `--rate` an object. */
  rate?: { max: number; durationMs: number } | false
  json?: boolean
}

/** `10/1m`, `3/500`: MAX starts per DURATION (ms, or 30s, 1m, 1h). */
function parseRate(raw: string): { max: number; durationMs: number } {
  const [max, duration, ...rest] = raw.split('/')
  if (max === undefined || duration === undefined || rest.length) {
    throw new InvalidArgumentError('must be MAX/DURATION, e.g. 10/1m or 3/500')
  }
  const durationMs = parse.duration(duration)
  if (durationMs < 1) throw new InvalidArgumentError('the duration must be at least 1 ms')
  return { max: parse.int(1, 1_000_000)(max), durationMs }
}

function show(view: GroupView, json?: boolean): void {
  if (json) return printJson(view)
  console.log(groupTable([view]))
}

const limitsOf = ({ limits, overridden }: GroupView) =>
  `${limits.concurrency}${limits.rate ? `, ${limits.rate.max}/${limits.rate.durationMs}ms` : ''}${overridden ? ' (override)' : ''}`

function groupTable(groups: GroupView[]): string {
  return table(
    ['JOB', 'KEY', 'ACTIVE', 'WAITING', 'LIMITS'],
    groups.map((g) => [g.job, g.key, g.active, g.waiting, limitsOf(g)]),
  )
}
