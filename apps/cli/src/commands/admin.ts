import type { Command } from 'commander'
import type { JobState } from '@jobq/queue-core'
import { confirm, knownQueue, parse, withContext } from '../command-kit.js'
import type { CliContext } from '../context.js'
import { UsageError } from '../errors.js'

/** RQ's empty, requeue, suspend and resume, plus clean. Destructive ones ask first. */
export function registerAdmin(program: Command): void {
  program
    .command('empty')
    .description('remove every waiting and delayed job of a queue (active ones run on)')
    .argument('<queue>')
    .option('-y, --yes', 'do not ask')
    .addHelpText('after', `\nExample:\n  $ jobq empty default --yes`)
    .action(async (queue: string, options: { yes?: boolean }, command: Command) =>
      withContext(command, async (ctx) => {
        const { counts } = await summary(ctx, knownQueue(ctx, queue))
        await confirm(
          `Remove ${counts.waiting + counts.delayed} waiting and delayed job(s) of ${queue}?`,
          options.yes,
        )
        console.log(`removed ${await ctx.producer.empty(queue)} job(s) from ${queue}`)
      }),
    )

  program
    .command('requeue')
    .description('move failed jobs back to waiting: the given ids, or --all of the queue')
    .argument('<queue>')
    .argument('[ids...]')
    .option('-a, --all', 'every failed job of the queue')
    .option('-y, --yes', 'do not ask (with --all)')
    .addHelpText(
      'after',
      `\nExamples:\n  $ jobq requeue default 5b0c… 9d51…\n  $ jobq requeue default --all --yes`,
    )
    .action(
      async (
        queue: string,
        ids: string[],
        options: { all?: boolean; yes?: boolean },
        command: Command,
      ) =>
        withContext(command, async (ctx) => {
          knownQueue(ctx, queue)
          if (Boolean(options.all) === ids.length > 0)
            throw new UsageError('give job ids, or --all (not both)')
          if (options.all) {
            const { counts } = await summary(ctx, queue)
            await confirm(`Requeue ${counts.failed} failed job(s) of ${queue}?`, options.yes)
            return console.log(
              `requeued ${await ctx.producer.retryFailed(queue)} job(s) of ${queue}`,
            )
          }
          for (const id of ids) {
            const job = await ctx.producer.getJob(id)
            if (job.queue !== queue)
              throw new UsageError(`job ${id} is in queue ${job.queue}, not ${queue}`)
            await ctx.producer.retry(id)
          }
          console.log(`requeued ${ids.length} job(s) of ${queue}`)
        }),
    )

  for (const [action, verb] of [
    ['suspend', 'stop workers taking jobs of a queue (all queues without one); active jobs finish'],
    ['resume', 'let workers take jobs again (all queues without one)'],
  ] as const) {
    program
      .command(action)
      .description(verb)
      .argument('[queue]')
      .addHelpText('after', `\nExamples:\n  $ jobq ${action}\n  $ jobq ${action} big_file`)
      .action(async (queue: string | undefined, _options: object, command: Command) =>
        withContext(command, async (ctx) => {
          const queues = queue ? [knownQueue(ctx, queue)] : [...ctx.registry.queueNames]
          for (const name of queues) {
            await (action === 'suspend' ? ctx.producer.pause(name) : ctx.producer.resume(name))
          }
          console.log(`${action === 'suspend' ? 'suspended' : 'resumed'}: ${queues.join(', ')}`)
        }),
      )
  }

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
    .action(
      async (
        queue: string,
        options: { state: JobState; olderThan: number; yes?: boolean },
        command: Command,
      ) =>
        withContext(command, async (ctx) => {
          knownQueue(ctx, queue)
          if (options.state === 'active')
            throw new UsageError('active jobs cannot be cleaned; cancel them instead')
          await confirm(
            `Remove ${options.state} jobs of ${queue} older than ${options.olderThan} ms?`,
            options.yes,
          )
          const removed = await ctx.producer.clean(queue, options.state, options.olderThan)
          console.log(`removed ${removed} ${options.state} job(s) from ${queue}`)
        }),
    )
}

async function summary(ctx: CliContext, queue: string) {
  return (await ctx.producer.summarize()).find((q) => q.name === queue)!
}
