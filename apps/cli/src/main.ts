#!/usr/bin/env node
import { Command, CommanderError } from 'commander'
import { CALLER_PROBLEMS, ConfigError, problemOf } from '@jobq/queue-core'
import pkg from '../package.json' with { type: 'json' }
import { registerAudit } from './commands/audit.js'
import { registerBulk } from './commands/bulk.js'
import { registerControl } from './commands/control.js'
import { registerDeadLetters } from './commands/dead-letters.js'
import { registerEnqueue } from './commands/enqueue.js'
import { registerFleet } from './commands/fleet.js'
import { registerGroups } from './commands/groups.js'
import { registerInfo } from './commands/info.js'
import { registerJobs } from './commands/jobs.js'
import { registerLogs } from './commands/logs.js'
import { registerSearch } from './commands/search.js'
import { registerQueues } from './commands/queues.js'
import { registerRegistry } from './commands/registry.js'
import { registerWorker } from './commands/worker.js'
import { UsageError } from './errors.js'
import { color } from './output.js'

const program = new Command('jobq')
  .description("jobq's command line: look at queues and workers, enqueue, run workers, clean up")
  .option('--redis-url <url>', 'Redis to use (env REDIS_URL)')
  .option('--prefix <prefix>', 'key prefix of the deployment (env JOBQ_PREFIX, default jobq)')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride()
  .addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 failure, 2 usage. jobq -V (--version) prints jobq's version.

Examples:
  $ jobq info --watch
  $ jobq enqueue demo.sleep --data '{"ms":500}' --wait
  $ jobq jobs default --state failed
  $ jobq logs JOB_ID --follow
  $ jobq retry default --all --yes        (RQ: requeue)
  $ jobq pause && jobq resume           (RQ: suspend)
  $ jobq registry check                 (CI: no payload change breaks queued jobs)`,
  )

registerInfo(program)
registerWorker(program)
registerEnqueue(program)
registerJobs(program)
registerLogs(program)
registerSearch(program)
registerBulk(program)
registerDeadLetters(program)
registerControl(program)
registerQueues(program)
registerFleet(program)
registerGroups(program)
registerRegistry(program)
registerAudit(program)
program.commands.forEach((command) => command.exitOverride())

/**
 * Usage problems (bad flags, bad env, invalid input, unknown job or queue names) exit 2; every
 * other failure exits 1. The operations' errors are classed as the HTTP API classes them
 * (`problemOf`): what answers 400 or "unknown-*" 404 there is a usage error here.
 */
function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError) {
    return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code)
      ? 0
      : 2
  }
  if (err instanceof UsageError || err instanceof ConfigError) return 2
  const problem = problemOf(err)
  return problem && CALLER_PROBLEMS.has(problem.type) ? 2 : 1
}

/** What the user reads: the problem's detail (every invalid field on its own line), or the message. */
function messageOf(err: unknown): string {
  const problem = problemOf(err)
  if (problem?.issues) {
    const lines = problem.issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n')
    return `${problem.detail}; nothing was changed:\n${lines}`
  }
  if (problem) return problem.detail
  return err instanceof Error ? err.message : String(err)
}

/**
 * `jobq -V` / `jobq --version`: jobq's own version. Not a commander option: commander reads a
 * program option wherever it stands, so `jobq enqueue … --version 1` (the payload version) would
 * print jobq's version instead. Only the first word asks for it.
 */
function versionAsked(argv: readonly string[]): boolean {
  return argv[2] === '-V' || argv[2] === '--version'
}

try {
  if (versionAsked(process.argv)) console.log(pkg.version)
  else await program.parseAsync()
} catch (err) {
  const code = exitCodeOf(err)
  // Commander has already printed its own message.
  if (!(err instanceof CommanderError)) {
    console.error(`${color.red('jobq:')} ${messageOf(err)}`)
  }
  process.exitCode = code
}
