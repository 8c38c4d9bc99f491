import type { Redis } from '../connection.js'

/** What Redis's `INFO memory` says of its memory, in bytes. */
export interface RedisMemory {
  /** `used_memory`: what Redis's allocator holds for data and overhead. */
  usedBytes: number
  /** `maxmemory`: the limit past which Redis evicts or refuses writes; 0 = no limit. */
  maxBytes: number
}

/**
 * One `INFO memory` (a single command, whatever Redis holds). In a Redis Cluster it reads the one
 * node the client picks. Throws what the command throws, or an `Error` if the reply lacks a field.
 */
export async function redisMemory(redis: Redis): Promise<RedisMemory> {
  const info = await redis.info('memory')
  return { usedBytes: field(info, 'used_memory'), maxBytes: field(info, 'maxmemory') }
}

function field(info: string, name: string): number {
  const match = new RegExp(`^${name}:(\\d+)\\r?$`, 'm').exec(info)
  if (!match) throw new Error(`INFO memory has no ${name}`)
  return Number(match[1])
}
