// What Redis itself says about the work: commands run (INFO commandstats), its CPU (INFO cpu),
// clients connected, and the memory of a prefix's keys. Read before and after, subtracted.
import type { Redis } from 'ioredis'

/** Calls and µs per command name, as INFO commandstats counts them since the server started. */
export type CommandStats = Map<string, { calls: number; usec: number }>

async function commandStats(redis: Redis): Promise<CommandStats> {
  const stats: CommandStats = new Map()
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line)
    if (match) stats.set(match[1]!, { calls: Number(match[2]), usec: Number(match[3]) })
  }
  return stats
}

/** What ran between two snapshots; `info` (the snapshots' own command) is left out. */
function commandsBetween(before: CommandStats, after: CommandStats) {
  const byCommand = new Map<string, number>()
  let calls = 0
  let usec = 0
  for (const [name, now] of after) {
    if (name === 'info') continue
    const was = before.get(name) ?? { calls: 0, usec: 0 }
    if (now.calls === was.calls) continue
    byCommand.set(name, now.calls - was.calls)
    calls += now.calls - was.calls
    usec += now.usec - was.usec
  }
  return { calls, usec, byCommand }
}

/** Counts the commands (and Redis µs) that `work` caused. */
export async function countCommands<T>(redis: Redis, work: () => Promise<T>) {
  const before = await commandStats(redis)
  const value = await work()
  return { value, ...commandsBetween(before, await commandStats(redis)) }
}

/** Redis's own CPU seconds (user + sys), for a delta beside a throughput. */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu')
  const of = (key: string) => Number(new RegExp(`${key}:([\\d.]+)`).exec(info)?.[1] ?? 0)
  return of('used_cpu_user') + of('used_cpu_sys')
}

/** Connected clients, from CLIENT LIST (one line each). */
export async function clientCount(redis: Redis): Promise<number> {
  const list = (await redis.client('LIST')) as string
  return list.split('\n').filter((line) => line.trim()).length
}

/**
 * Bytes held by every key under `prefix:`, summed from `MEMORY USAGE key SAMPLES 0` (exact for
 * lists, hashes, sets and streams: every element is counted, none estimated).
 */
export async function prefixBytes(redis: Redis, prefix: string): Promise<number> {
  let bytes = 0
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000)
    cursor = next
    const pipeline = redis.pipeline()
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', 0)
    for (const [, used] of (await pipeline.exec()) ?? []) bytes += Number(used ?? 0)
  } while (cursor !== '0')
  return bytes
}
