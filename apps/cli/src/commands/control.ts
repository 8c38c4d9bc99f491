import type { Command } from 'commander'
import { audited } from '../audit-trail.js'
import { calledAs, confirm, withContext } from '../command-kit.js'
import { UsageError } from '../errors.js'

/** The control operations (`control.*`): cancel jobs, and retry failed ones (RQ's requeue). */
export function registerControl(program: Command): void {
  program
    .command('cancel')
    .description('remove waiting or delayed jobs; abort active ones (they end failed, "cancelled")')
    .argument('<ids...>')
    .addHelpText('after', `\nExample:\n  $ jobq cancel 5b0c2f1e-4f1a-4f7e-9d51-1f0e4a2b3c4d`)
    .action(async (ids: string[], _options: object, command: Command) =>
      withContext(command, async (ctx) => {
        for (const id of ids) {
          const { outcome } = await audited(ctx, 'cancel', { id }, () => ctx.ops.control.cancel(id))
          console.log(`${id} ${outcome}`)
        }
      }),
    )

  program
    .command('retry')
    .alias('requeue')
    .description('move failed jobs back to waiting, with fresh attempts: the given ids, or --all')
    .argument('<queue>')
    .argument('[ids...]')
    .option('-a, --all', 'every failed job of the queue')
    .option('-y, --yes', 'do not ask (with --all)')
    .addHelpText(
      'after',
      `\nExamples:\n  $ jobq retry default 5b0c… 9d51…\n  $ jobq requeue default --all --yes`,
    )
    .action(async (queue: string, ids: string[], options: RetryOptions, command: Command) =>
      withContext(command, async (ctx) => {
        if (Boolean(options.all) === ids.length > 0)
          throw new UsageError('give job ids, or --all (not both)')
        if (options.all) {
          const { counts } = await ctx.ops.queues.summary(queue)
          await confirm(`Requeue ${counts.failed} failed job(s) of ${queue}?`, options.yes)
        }
        const target = { queue, ...(ids.length > 0 && { ids: ids.join(',') }) }
        const { affected } = await audited(ctx, calledAs(command), target, () =>
          ctx.ops.control.requeue(queue, options.all ? undefined : ids),
        )
        console.log(`requeued ${affected} job(s) of ${queue}`)
      }),
    )
}

interface RetryOptions {
  all?: boolean
  yes?: boolean
}
