import type { Redis } from './connection.js'

/** The pub/sub channel on which producers ask workers to abort an active job. */
function cancelChannel(prefix: string): string {
  return `${prefix}:cancel`
}

/**
 * Asks whichever worker process holds `jobId` to abort it. Resolves with the number of worker
 * processes that heard the request (0: no worker is listening).
 */
export async function requestCancel(redis: Redis, prefix: string, jobId: string): Promise<number> {
  return redis.publish(cancelChannel(prefix), jobId)
}

/**
 * Subscribes `subscriber` (a connection of its own: a subscribed connection can do nothing else)
 * to the cancel channel and calls `onCancel` with each job id published there. Resolves once
 * subscribed; the returned function unsubscribes.
 */
export async function listenForCancels(
  subscriber: Redis,
  prefix: string,
  onCancel: (jobId: string) => void,
): Promise<() => Promise<void>> {
  const channel = cancelChannel(prefix)
  const onMessage = (from: string, jobId: string) => {
    if (from === channel) onCancel(jobId)
  }
  subscriber.on('message', onMessage)
  await subscriber.subscribe(channel)
  return async () => {
    subscriber.off('message', onMessage)
    await subscriber.unsubscribe(channel).catch(() => undefined)
  }
}
