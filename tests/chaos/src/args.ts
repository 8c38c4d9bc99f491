import { randomInt } from 'node:crypto'
import { parseArgs } from 'node:util'

export const USAGE = `usage: pnpm test:chaos [--seed N] [--minutes M] [--out DIR]

Drives jobs through the built producer and workers while a seeded schedule of faults hits the
stack, then checks jobq's documented invariants. Replay a run with the seed it printed.
  --seed N      the schedule's and the load's seed (default: a random one, printed)
  --minutes M   how long faults and load run (default 2; the documented long run: 20)
  --out DIR     where the fault log, report and process logs go (default .jobq/chaos/seed-N)`

/** What the command line asks for. */
export interface ChaosArgs {
  seed: number
  minutes: number
  out?: string
  help: boolean
}

/** Parses the command line; throws a TypeError whose message says what is wrong. */
export function parseChaosArgs(argv: string[]): ChaosArgs {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'), // `pnpm test:chaos -- --seed 1` passes the `--` on
    options: {
      seed: { type: 'string' },
      minutes: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const seed = values.seed === undefined ? randomInt(1, 2 ** 31) : Number(values.seed)
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new TypeError(`--seed must be a whole number in [0, 2^32), got "${values.seed}"`)
  }
  const minutes = values.minutes === undefined ? 2 : Number(values.minutes)
  if (!Number.isFinite(minutes) || minutes < 0.5 || minutes > 24 * 60) {
    throw new TypeError(`--minutes must be a number from 0.5 to 1440, got "${values.minutes}"`)
  }
  return { seed, minutes, out: values.out, help: values.help }
}
