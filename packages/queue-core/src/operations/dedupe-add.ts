import { Job, type JobsOptions, type Queue } from 'bullmq'
import type { Redis } from '../connection.js'
import { bullMulti } from './bull-multi.js'
import { isNoScript, loadScripts } from './idempotency.js'

/** One job to add under BullMQ's deduplication: `opts` carries `jobId` and `deduplication`. */
export interface DedupedJob {
  name: string
  data: unknown
  opts: JobsOptions & { jobId: string; deduplication: { id: string } }
}

/** What adding one {@link DedupedJob} did, in BullMQ's words. */
export interface DedupedResult {
  /** The job that stands for this enqueue: ours when made, else the key's job. */
  id: string
  /**
   * `created`: a new job, the key was free; `replaced`: a new job, which removed the key's
   * pending (delayed) job, `replacedId` (debounce); `deduplicated`: no new job, the key's job
   * `id` stands for it.
   */
  outcome: 'created' | 'replaced' | 'deduplicated'
  replacedId?: string
}

// The job the dedupe key names, if that job still exists, read in the MULTI just before the add:
// BullMQ's add answers our id both when it made the job on a free key and when it replaced the
// key's delayed job, and only what the key held a moment before tells the two apart. KEYS[1] is
// the dedupe key; ARGV[1] the queue's key prefix (the job's hash is `<prefix><id>`, same slot).
const HELD = `local id = redis.call('GET', KEYS[1])
if id and redis.call('EXISTS', ARGV[1] .. id) == 1 then return id end
return false`

/**
 * Adds `jobs` to `queue`, in order, in one MULTI, each under its BullMQ deduplication key, and
 * answers what each add did. Race-free: the read of the key and BullMQ's add run back to back in
 * one transaction, so among concurrent enqueues of one key exactly one finds it free. A job
 * whose add met NOSCRIPT (Redis lost BullMQ's scripts; nothing changed) is added again in a
 * second MULTI once they are loaded.
 */
export async function addDeduped(
  queue: Queue,
  redis: Redis,
  jobs: readonly DedupedJob[],
): Promise<DedupedResult[]> {
  const results: DedupedResult[] = []
  let pending = jobs.map((_, i) => i)
  for (let attempt = 0; pending.length > 0; attempt++) {
    const { unloaded, scripts } = await addInMulti(queue, jobs, pending, results)
    if (unloaded.length === 0) break
    if (attempt > 0) throw new Error(`Redis lost BullMQ's scripts twice: ${scripts.join(', ')}`)
    await loadScripts(redis, scripts)
    pending = unloaded
  }
  return results
}

async function addInMulti(
  queue: Queue,
  jobs: readonly DedupedJob[],
  pending: readonly number[],
  results: DedupedResult[],
): Promise<{ unloaded: number[]; scripts: string[] }> {
  const { multi, add: queueAdd } = await bullMulti(queue)
  const sent: { i: number; script: string }[] = []
  for (const i of pending) {
    const { name, data, opts } = jobs[i]!
    const dedupeKey = `${queue.toKey('de')}:${opts.deduplication.id}`
    multi.eval(HELD, 1, dedupeKey, queue.toKey(''))
    const script = await queueAdd(new Job(queue, name, data, opts, opts.jobId))
    sent.push({ i, script })
  }
  const exec = await multi.exec()
  if (!exec) throw new Error('the MULTI adding the jobs was aborted; nothing was added')
  const unloaded = sent.filter((_, k) => isNoScript(exec[2 * k + 1]?.[0]))
  const failure = exec.find(([err]) => err && !isNoScript(err))?.[0]
  if (failure) throw failure
  sent.forEach(({ i }, k) => {
    if (isNoScript(exec[2 * k + 1]?.[0])) return
    results[i] = outcomeOf(jobs[i]!.opts.jobId, exec[2 * k]![1], exec[2 * k + 1]![1])
  })
  return {
    unloaded: unloaded.map((s) => s.i),
    scripts: [...new Set(unloaded.map((s) => s.script))],
  }
}

/** What an add did, from the key's live job before it (`held`) and the id BullMQ answered. */
function outcomeOf(ours: string, held: unknown, answered: unknown): DedupedResult {
  const id = String(answered)
  if (id !== ours) return { id, outcome: 'deduplicated' }
  if (typeof held === 'string' && held !== ours) {
    return { id, outcome: 'replaced', replacedId: held }
  }
  return { id, outcome: 'created' }
}
