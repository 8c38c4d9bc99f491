import { setTimeout as sleep } from 'node:timers/promises'
import { call } from './http.js'

/** A job seen `active` while no live worker held it, for longer than the stalled check allows. */
export interface Stranded {
  jobId: string
  workerId: string | null
  /** Epoch ms of the first sample that saw it so. */
  since: number
  /** How long it stayed so (ms), as of the last sample that saw it. */
  forMs: number
}

/**
 * Samples, every `everyMs`, the queue's active jobs and the live worker records, and reports a
 * job that stays active under a worker that is gone for more than `limitMs`: the stalled check
 * (lock + 2 × interval) should have put it back by then. A sample the API cannot answer (Redis or
 * the producer down) restarts every clock: the stalled check cannot run without Redis either.
 */
export async function watchActive(
  url: string,
  limitMs: number,
  stop: AbortSignal,
  everyMs = 1_000,
): Promise<{ stranded: Stranded[]; samples: number }> {
  const orphanedSince = new Map<string, { since: number; workerId: string | null }>()
  const stranded = new Map<string, Stranded>()
  let samples = 0
  while (!stop.aborted) {
    const [workers, active] = await Promise.all([
      call(url, 'GET', '/v1/workers'),
      call(url, 'GET', '/v1/queues/default/jobs?state=active&limit=1000'),
    ])
    const now = Date.now()
    if (workers.status !== 200 || active.status !== 200) {
      orphanedSince.clear()
    } else {
      samples++
      const live = new Set(
        ((workers.body as { workers: { id: string }[] }).workers ?? []).map((w) => w.id),
      )
      const jobs = (active.body as { jobs: { id: string; workerId: string | null }[] }).jobs ?? []
      const seen = new Set<string>()
      for (const job of jobs) {
        if (job.workerId && live.has(job.workerId)) continue
        seen.add(job.id)
        const first = orphanedSince.get(job.id) ?? { since: now, workerId: job.workerId }
        orphanedSince.set(job.id, first)
        if (now - first.since > limitMs) {
          stranded.set(job.id, { jobId: job.id, ...first, forMs: now - first.since })
        }
      }
      for (const id of orphanedSince.keys()) if (!seen.has(id)) orphanedSince.delete(id)
    }
    await sleep(everyMs)
  }
  return { stranded: [...stranded.values()], samples }
}
