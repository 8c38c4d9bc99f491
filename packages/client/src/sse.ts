import { createParser, type EventSourceMessage } from 'eventsource-parser'

/** Yields the messages of a `text/event-stream` body as they arrive. */
export async function* readEventStream(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<EventSourceMessage> {
  const pending: EventSourceMessage[] = []
  const parser = createParser({ onEvent: (message) => pending.push(message) })
  const decoder = new TextDecoder()
  const reader = body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      parser.feed(decoder.decode(value, { stream: true }))
      while (pending.length) yield pending.shift()!
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}
