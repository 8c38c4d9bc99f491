import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { isResultMarker, type JobEvent, type JobView, type Operations } from '@jobq/queue-core'

const KEEPALIVE_MS = 15_000

/**
 * Streams one job's events as SSE and closes on its final state. The watch subscribes before it
 * reads the job, so a job that finishes in between still ends the stream properly.
 */
export async function streamJobEvents(c: Context, producer: Operations, id: string) {
  const queued: JobEvent[] = []
  let wake: (() => void) | undefined
  const { current, stop } = await producer.jobs.watch(id, (event) => {
    queued.push(event)
    wake?.()
  })

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
      const final = finalEvent(current)
      if (final) return await send(final.type, final)
      const keepalive = setInterval(() => void stream.write(': keepalive\n\n'), KEEPALIVE_MS)
      try {
        while (!closed) {
          const event = queued.shift()
          if (!event) {
            await new Promise<void>((resolve) => (wake = resolve))
            continue
          }
          if (event.type === 'failed') {
            // 'failed' also fires for an attempt that will be retried: only the final one ends it.
            const job = await producer.jobs.get(id)
            if (job.state !== 'failed') {
              await send('retrying', { reason: event.reason, attemptsMade: job.attemptsMade })
              continue
            }
          }
          // A big result travels as a marker (big-result.ts): send the whole one.
          if (event.type === 'completed' && isResultMarker(event.result)) {
            await send(event.type, { ...event, result: (await producer.jobs.get(id)).result })
            return
          }
          await send(event.type, event)
          if (event.type !== 'progress') return
        }
      } finally {
        clearInterval(keepalive)
      }
    } finally {
      stop()
    }
  })
}

function finalEvent(job: JobView): JobEvent | undefined {
  if (job.state === 'completed') return { type: 'completed', result: job.result }
  if (job.state === 'failed') return { type: 'failed', reason: job.failedReason ?? '' }
  return undefined
}
