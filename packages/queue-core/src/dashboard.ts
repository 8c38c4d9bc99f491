import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { isResultMarker } from './big-result.js'
import { contextOf, type Operations } from './operations/index.js'
import { previewOf } from './preview.js'

/**
 * bull-board's adapters over every registry queue of `operations`, in registry order: the one
 * place a BullMQ `Queue` leaves `queue-core` (this entry, `@jobq/queue-core/dashboard`, exists
 * for it). The adapters show previews, never whole payloads (see {@link previewing}).
 * `readOnly`: bull-board's `readOnlyMode` (no retry, promote, remove, clean buttons), for tokens
 * without the `admin` scope (the producer refuses their mutating calls anyway).
 */
export function dashboardQueues(
  operations: Operations,
  { readOnly = false }: { readOnly?: boolean } = {},
): BullMQAdapter[] {
  const ctx = contextOf.get(operations)
  if (!ctx) throw new TypeError('dashboardQueues() needs an object made by createOperations()')
  return ctx
    .allQueues()
    .map((queue) => previewing(new BullMQAdapter(queue, { readOnlyMode: readOnly })))
}

/**
 * The dashboard polls its queues every few seconds and renders each job's data and result: it
 * gets previews (the first 1 KiB of JSON and a marker, `previewOf`), never whole payloads, so 20
 * jobs of 3 MB are kilobytes per poll. The whole job stays on `GET /v1/jobs/:id`.
 */
function previewing(adapter: BullMQAdapter): BullMQAdapter {
  adapter.setFormatter('data', (data) => previewOf(data, '<id>'))
  adapter.setFormatter('returnValue', (value) =>
    isResultMarker(value)
      ? `[jobq: a result of ${value.$jobqResult.chars} characters, stored with the job; GET /v1/jobs/<id>]`
      : previewOf(value, '<id>'),
  )
  return adapter
}
