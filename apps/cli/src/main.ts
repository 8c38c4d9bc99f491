#!/usr/bin/env node
import { Command, CommanderError } from 'commander'
import { ConfigError, UnknownQueueError } from '@jobq/queue-core'
import pkg from '../package.json' with { type: 'json' }
import { registerAdmin } from './commands/admin.js'
import { registerEnqueue } from './commands/enqueue.js'
import { registerInfo } from './commands/info.js'
import { registerJobs } from './commands/jobs.js'
import { registerWorker } from './commands/worker.js'
import { UsageError } from './errors.js'
import { color } from './output.js'

const program = new Command('jobq')
  .description("jobq's command line: look at queues and workers, enqueue, run workers, clean up")
  .version(pkg.version)
  .option('--redis-url <url>', 'Redis to use (env REDIS_URL)')
  .option('--prefix <prefix>', 'key prefix of the deployment (env JOBQ_PREFIX, default jobq)')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride()
  .addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 failure, 2 usage.

Examples:
  $ jobq info --watch
  $ jobq enqueue demo.sleep --data '{"ms":500}' --wait
  $ jobq jobs default --state failed
  $ jobq requeue default --all --yes
  $ jobq suspend && jobq resume`,
  )

registerInfo(program)
registerWorker(program)
registerEnqueue(program)
registerJobs(program)
registerAdmin(program)
program.commands.forEach((command) => command.exitOverride())

/** Usage problems (bad flags, unknown names, invalid payloads) exit 2; failures exit 1. */
function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError) {
    return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code)
      ? 0
      : 2
  }
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof UnknownQueueError)
    return 2
  return 1
}

try {
  await program.parseAsync()
} catch (err) {
  const code = exitCodeOf(err)
  // Commander has already printed its own message.
  if (!(err instanceof CommanderError)) {
    const message = err instanceof Error ? err.message : String(err)
    console.error(`${color.red('jobq:')} ${message}`)
  }
  process.exitCode = code
}
