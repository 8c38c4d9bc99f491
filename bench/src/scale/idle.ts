// Scenario 3: what one idle worker process serving many queues costs: Redis connections it
// holds, Redis commands per second while no job comes, and its own CPU.
import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchContext } from '../context.js'
import { cpuSeconds } from './process-stats.js'
import { startScaleWorker, type Side } from './children.js'
import { clientCount, countCommands } from './redis-stats.js'

/** Long enough for every worker's first blocking read and the record's first heartbeat. */
const SETTLE_MS = 1_500

export async function idleCost(ctx: BenchContext, side: Side, queues: number, seconds: number) {
  const prefix = await ctx.freshPrefix()
  const before = await clientCount(ctx.redis)
  const worker = await startScaleWorker(ctx, side, prefix, queues)
  try {
    await sleep(SETTLE_MS)
    const connections = (await clientCount(ctx.redis)) - before
    const pid = worker.process.pid!
    const cpuBefore = cpuSeconds(pid)
    const started = performance.now()
    const counted = await countCommands(ctx.redis, () => sleep(seconds * 1_000))
    const elapsed = (performance.now() - started) / 1_000
    return {
      connections,
      commandsPerSecond: counted.calls / elapsed,
      /** Percent of one core. */
      cpuPercent: ((cpuSeconds(pid) - cpuBefore) / elapsed) * 100,
      commands: Object.fromEntries(counted.byCommand),
    }
  } finally {
    await worker.stop()
  }
}
