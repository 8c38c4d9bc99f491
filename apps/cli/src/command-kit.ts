import { createInterface } from 'node:readline/promises'
import { InvalidArgumentError, type Command } from 'commander'
import ms from 'ms'
import { JOB_STATES, type JobState } from '@jobq/queue-core'
import { openContext, type CliContext } from './context.js'
import { interactive, type ConnectionFlags } from './env.js'
import { CommandFailedError, UsageError } from './errors.js'

/** Runs `work` with a connected context and always closes it. */
export async function withContext<T>(
  command: Command,
  work: (ctx: CliContext) => Promise<T>,
  options: { events?: boolean } = {},
): Promise<T> {
  const ctx = await openContext(command.optsWithGlobals<ConnectionFlags>(), options)
  try {
    return await work(ctx)
  } finally {
    await ctx.close()
  }
}

/**
 * Asks before something destructive. `--yes` skips the question; without a terminal to ask on,
 * the command refuses rather than guessing.
 */
export async function confirm(question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return
  if (!interactive()) {
    throw new UsageError(`${question} Refusing without --yes (not a terminal to ask on).`)
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    const answer = await rl.question(`${question} [y/N] `)
    if (!/^y(es)?$/i.test(answer.trim())) throw new CommandFailedError('aborted, nothing changed')
  } finally {
    rl.close()
  }
}

/** Commander argument parsers: they reject bad values with a message naming the flag's rule. */
export const parse = {
  int: (min: number) => {
    return (raw: string): number => {
      const value = Number(raw)
      if (!Number.isInteger(value) || value < min) {
        throw new InvalidArgumentError(`must be a whole number of at least ${min}`)
      }
      return value
    }
  },
  state: (raw: string): JobState => {
    if (!(JOB_STATES as readonly string[]).includes(raw)) {
      throw new InvalidArgumentError(`must be one of ${JOB_STATES.join(', ')}`)
    }
    return raw as JobState
  },
  duration: (raw: string): number => {
    const value = /^\d+$/.test(raw)
      ? Number(raw)
      : (ms(raw as ms.StringValue) as number | undefined)
    if (value === undefined || !Number.isFinite(value) || value < 0) {
      throw new InvalidArgumentError('must be a duration such as 30s, 15m, 6h or 7d (or ms)')
    }
    return value
  },
}

/** The queue argument, checked against the registry with the known names in the message. */
export function knownQueue(ctx: CliContext, queue: string): string {
  if (!ctx.registry.queues[queue]) {
    throw new UsageError(`unknown queue "${queue}" (known: ${ctx.registry.queueNames.join(', ')})`)
  }
  return queue
}
