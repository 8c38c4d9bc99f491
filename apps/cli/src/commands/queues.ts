import type { Command } from 'commander'
import type { JobState } from '@jobq/queue-core'
import { audited } from '../audit-trail.js'
import { calledAs, confirm, parse, withContext } from '../command-kit.js'
import { UsageError } from '../errors.js'

/**
 * The queue operations (`queues.*`, as on `/v1/queues`): pause and resume (RQ's suspend and
 * resume), empty, clean. Destructive ones ask first.
 */
export function registerQueues(program: Command): void {
  registerPauseResume(program)
  registerEmpty(program)
  registerClean(program)
}

function registerPauseResume(program: Command): void {
  for (const [action, alias, done, verb] of [
    [
      'pause',
      'suspend',
      'paused',
      'stop workers taking jobs of a queue (all queues without one); active jobs finish',
    ],
    ['resume', undefined, 'resumed', 'let workers take jobs again (all queues without one)'],
  ] as const) {
    const command = program.command(action).description(verb).argument('[queue]')
    if (alias) command.alias(alias)
    command
      .addHelpText('after', `\nExamples:\n  $ jobq ${action}\n  $ jobq ${action} big_file`)
      .action(async (queue: string | undefined, _options: object, self: Command) =>
        withContext(self, async (ctx) => {
          const queues = await audited(
            ctx,
            calledAs(self),
            queue ? { queue } : {},
            async () =>
              queue
                ? [(await ctx.ops.queues[action](queue)).queue]
                : ctx.ops.queues[`${action}All`](),
            (changed) => changed.length,
          )
          const word = calledAs(self) === 'suspend' ? 'suspended' : done
          console.log(`${word}: ${queues.map((q) => q.name).join(', ')}`)
        }),
      )
  }
}

function registerEmpty(program: Command): void {
  program
    .command('empty')
    .description('remove every waiting and delayed job of a queue (active ones run on)')
    .argument('<queue>')
    .option('-y, --yes', 'do not ask')
    .addHelpText('after', `\nExample:\n  $ jobq empty default --yes`)
    .action(async (queue: string, options: { yes?: boolean }, command: Command) =>
      withContext(command, async (ctx) => {
        const { counts } = await ctx.ops.queues.summary(queue)
        await confirm(
          `Remove ${counts.waiting + counts.delayed} waiting and delayed job(s) of ${queue}?`,
          options.yes,
        )
        const { affected } = await audited(ctx, 'empty', { queue }, () =>
          ctx.ops.queues.empty(queue),
        )
        console.log(`removed ${affected ?? 0} job(s) from ${queue}`)
      }),
    )
}

interface CleanOptions {
  state: JobState
  olderThan: number
  yes?: boolean
}

function registerClean(program: Command): void {
  program
    .command('clean')
    .description('remove jobs in one state older than a duration')
    .argument('<queue>')
    .requiredOption('-s, --state <state>', 'completed, failed, delayed, waiting', parse.state)
    .requiredOption('--older-than <duration>', 'e.g. 30m, 6h, 7d (or ms)', parse.duration)
    .option('-y, --yes', 'do not ask')
    .addHelpText(
      'after',
      `\nExample:\n  $ jobq clean default --state completed --older-than 7d --yes`,
    )
    .action(async (queue: string, options: CleanOptions, command: Command) =>
      withContext(command, async (ctx) => {
        await ctx.ops.queues.summary(queue) // an unknown queue fails before the question
        if (options.state === 'active')
          throw new UsageError('active jobs cannot be cleaned; cancel them instead')
        await confirm(
          `Remove ${options.state} jobs of ${queue} older than ${options.olderThan} ms?`,
          options.yes,
        )
        const request = { state: options.state, olderThanMs: options.olderThan }
        const target = { queue, state: request.state, olderThanMs: String(request.olderThanMs) }
        const { affected } = await audited(ctx, 'clean', target, () =>
          ctx.ops.queues.clean(queue, request),
        )
        console.log(`removed ${affected} ${options.state} job(s) from ${queue}`)
      }),
    )
}
