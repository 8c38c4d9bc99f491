import type { Redis } from './connection.js'

/** The pub/sub channel on which producers ask workers to abort an active job. */
export function cancelChannel(prefix: string): string {
  return `${prefix}:cancel`
}

/**
 * Asks whichever worker process holds `jobId` to abort it. Resolves with the number of worker
 * processes that heard the request (0: no worker is listening).
 */
export async function requestCancel(redis: Redis, prefix: string, jobId: string): Promise<number> {
  return redis.publish(cancelChannel(prefix), jobId)
}
