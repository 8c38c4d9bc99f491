import { createInterface } from 'node:readline/promises'
import { InvalidArgumentError, type Command } from 'commander'
import ms from 'ms'
import { JOB_STATES, parseWholeNumber, type JobState } from '@jobq/queue-core'
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
  /** A whole number in decimal digits, at least `min` (queue-core's one integer parser). */
  int: (min: number, max = Number.MAX_SAFE_INTEGER) => {
    return (raw: string): number => {
      try {
        return parseWholeNumber('', raw, { min, max })
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message.trim())
      }
    }
  },
  state: (raw: string): JobState => {
    if (!(JOB_STATES as readonly string[]).includes(raw)) {
      throw new InvalidArgumentError(`must be one of ${JOB_STATES.join(', ')}`)
    }
    return raw as JobState
  },
  duration: (raw: string): number => {
    if (/^\d+$/.test(raw)) return parse.int(0)(raw)
    const value = ms(raw as ms.StringValue) as number | undefined
    if (value === undefined || !Number.isFinite(value) || value < 0) {
      throw new InvalidArgumentError('must be a duration such as 30s, 15m, 6h or 7d (or ms)')
    }
    return value
  },
}

/**
 * The name a command was called by: its alias when the user typed that (`jobq suspend` runs
 * `pause`), so the answer speaks the user's word.
 */
export function calledAs(command: Command): string {
  const typed = command.parent?.args[0]
  return typed !== undefined && command.aliases().includes(typed) ? typed : command.name()
}
