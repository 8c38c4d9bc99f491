import { randomUUID } from 'node:crypto'
import type { Redis } from '../connection.js'

/** A key prefix no other test uses, so tests never see each other's jobs. */
export function uniquePrefix(label = 'test'): string {
  return `${label}-${randomUUID().slice(0, 8)}`
}

/** Deletes every key under `prefix` (SCAN, never KEYS, so a big test DB does not block). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000)
    if (keys.length) await redis.del(...keys)
    cursor = next
  } while (cursor !== '0')
}
