import type { JobView } from './job-view.js'

/** Longest JSON text of one field (`data`, `result`) that a list or the dashboard ships whole. */
export const PREVIEW_MAX_CHARS = 1024

/**
 * A bounded stand-in for a big value: the first {@link PREVIEW_MAX_CHARS} characters of its JSON
 * text, then the marker `… [jobq preview: 1024 of N characters; GET /v1/jobs/<id> for the whole
 * job]`. A value whose JSON fits is returned as it is (the same object, no copy).
 */
export function previewOf(value: unknown, jobId: string): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value !== 'string' || value.length <= PREVIEW_MAX_CHARS) return value
  }
  const json = JSON.stringify(value) ?? ''
  if (json.length <= PREVIEW_MAX_CHARS) return value
  return (
    `${json.slice(0, PREVIEW_MAX_CHARS)}… [jobq preview: ${PREVIEW_MAX_CHARS} of ${json.length} ` +
    `characters; GET /v1/jobs/${jobId} for the whole job]`
  )
}

/**
 * A job as lists show it (`GET /v1/queues/:queue/jobs`, `jobq jobs`): `data` and `result` cut to
 * a preview when their JSON is longer than {@link PREVIEW_MAX_CHARS}, so a page of 3 MB jobs
 * sends kilobytes. `GET /v1/jobs/:id` answers the whole job.
 */
export function previewJobView(view: JobView): JobView {
  const data = previewOf(view.data, view.id)
  const result = previewOf(view.result, view.id)
  return data === view.data && result === view.result ? view : { ...view, data, result }
}
