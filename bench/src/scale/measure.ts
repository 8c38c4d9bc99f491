// Timing a call many times in a row, with the Redis commands it caused per call.
import type { Redis } from 'ioredis'
import { percentile } from '../stats.js'
import { countCommands } from './redis-stats.js'

export interface CallFigures {
  p50: number
  p99: number
  /** Redis commands per call (INFO commandstats delta / calls). */
  commands: number
  /** Redis CPU µs per call (commandstats' own µs). */
  redisUs: number
  /** The command the calls ran most, and how many per call: a read of every job shows here. */
  top: string
}

/** `call` run `times` in a row (after a few warm-up calls), ms per call and commands per call. */
export async function timeCalls(
  redis: Redis,
  times: number,
  call: () => Promise<unknown>,
  warmup = 5,
): Promise<CallFigures> {
  for (let i = 0; i < warmup; i++) await call()
  const durations: number[] = []
  const counted = await countCommands(redis, async () => {
    for (let i = 0; i < times; i++) {
      const started = performance.now()
      await call()
      durations.push(performance.now() - started)
    }
  })
  const [name, calls] = [...counted.byCommand].sort((a, b) => b[1] - a[1])[0] ?? ['-', 0]
  return {
    p50: percentile(durations, 50),
    p99: percentile(durations, 99),
    commands: counted.calls / times,
    redisUs: counted.usec / times,
    top: `${name} × ${(calls / times).toFixed(1)}`,
  }
}
