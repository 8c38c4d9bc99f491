import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { Operations, WatchEvent } from '@jobq/queue-core'

const KEEPALIVE_MS = 15_000

/**
 * Streams one job's watch events as SSE (`state` first, then progress, retrying, and the final
 * completed or failed) and closes on the final one. The watch subscribes before it reads the
 * job, so a job that finishes in between still ends the stream properly; a failed read of the
 * job while watching (Redis away) ends the stream, and the client reconnects.
 */
export async function streamJobEvents(c: Context, producer: Operations, id: string) {
  const queued: WatchEvent[] = []
  let wake: (() => void) | undefined
  let broken = false
  const { current, final, stop } = await producer.jobs.watch(
    id,
    (event) => {
      queued.push(event)
      wake?.()
    },
    () => {
      broken = true
      wake?.()
    },
  )

  return streamSSE(c, async (stream) => {
    let closed = false
    stream.onAbort(() => {
      closed = true
      wake?.()
    })
    const send = (event: string, data: unknown) =>
      stream.writeSSE({ event, data: JSON.stringify(data) })
    try {
      await send('state', current)
      if (final) return await send(final.type, final)
      const keepalive = setInterval(() => void stream.write(': keepalive\n\n'), KEEPALIVE_MS)
      try {
        while (!closed && !broken) {
          const event = queued.shift()
          if (!event) {
            await new Promise<void>((resolve) => (wake = resolve))
            continue
          }
          // `retrying` carries its fields alone, as it always has; the others the whole event.
          const { type, ...fields } = event
          await send(type, type === 'retrying' ? fields : event)
          if (type === 'completed' || type === 'failed') return
        }
      } finally {
        clearInterval(keepalive)
      }
    } finally {
      stop()
    }
  })
}
