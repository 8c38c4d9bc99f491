import { Job, WaitingChildrenError, type Queue } from 'bullmq'
import { giveBackStart } from '../attempt-budget.js'
import { resolveResult } from '../big-result.js'
import type { Redis } from '../connection.js'
import type { ChildJob, ChildOutcome } from '../define-job.js'
import { PermanentJobError } from '../errors.js'
import { toBullOptions } from '../job-options.js'
import type { AnyRegistry } from '../registry.js'
import { toIssues } from '../validation.js'

/** What a fan-out needs from its worker. */
export interface FanOutDeps {
  /** The worker's connection, to read children's results stored aside (big-result.ts). */
  connection: Redis
  registry: AnyRegistry
  /** The BullMQ queue of a registry queue, to add children to. */
  queueOf(name: string): Queue
  /** Called once the parent is parked in `waiting-children`. */
  onParked(job: Job): void
}

// Children get ids derived from the parent's, so a retried parent never adds a second set and
// each child's outcome maps back to its index.
const childId = (parentId: string, index: number) => `${parentId}.c${index}`
const INDEX_OF_KEY = /\.c(\d+)$/

/**
 * `ctx.fanOut` for one run of a parent job (BullMQ's "process step jobs" pattern): the first run
 * adds the children and parks the parent until they have finished; the run after that finds them
 * done and returns their outcomes. Children fail independently (`ignoreDependencyOnFailure`):
 * a child that used up its attempts is reported in the outcomes, and the parent still runs.
 */
export function createFanOut(job: Job, token: string | undefined, deps: FanOutDeps) {
  return async (children: readonly ChildJob[]): Promise<ChildOutcome[]> => {
    if (children.length === 0) return []
    const parentId = job.id ?? ''
    const counts = await job.getDependenciesCount()
    const known = Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0)
    if (known === 0) await addChildren(job, parentId, children, deps)
    // The run after the children is the same attempt (attempt-budget.ts): give this start back
    // first, and take it again if the children turn out to be done already.
    const jobKey = `${job.queueQualifiedName}:${parentId}`
    await giveBackStart(deps.connection, jobKey)
    if (await job.moveToWaitingChildren(token ?? '')) {
      deps.onParked(job)
      throw new WaitingChildrenError()
    }
    await giveBackStart(deps.connection, jobKey, 1)
    const [values, failures] = await Promise.all([
      job.getChildrenValues(),
      job.getIgnoredChildrenFailures(),
    ])
    const outcomes = new Map<number, ChildOutcome>()
    for (const [key, value] of Object.entries(values)) {
      const index = indexOf(key)
      // The key is the child's job key: a big result stored aside is read back from its hash.
      const result = await resolveResult(deps.connection, key, value)
      if (index !== undefined) outcomes.set(index, { index, state: 'completed', result })
    }
    for (const [key, reason] of Object.entries(failures)) {
      const index = indexOf(key)
      if (index !== undefined) outcomes.set(index, { index, state: 'failed', reason })
    }
    const result = children.map(
      (_, index): ChildOutcome =>
        outcomes.get(index) ?? { index, state: 'failed', reason: 'child job was removed' },
    )
    const failed = result.filter((o) => o.state === 'failed').length
    await job.updateProgress({ done: result.length, total: result.length, failed, percent: 100 })
    return result
  }
}

async function addChildren(
  job: Job,
  parentId: string,
  children: readonly ChildJob[],
  deps: FanOutDeps,
): Promise<void> {
  const byQueue = new Map<string, Parameters<Queue['addBulk']>[0]>()
  children.forEach((child, index) => {
    const definition = deps.registry.job(child.name)
    if (!definition) throw new PermanentJobError(`fanOut: unknown child job "${child.name}"`)
    const input = definition.input.safeParse(child.data)
    if (!input.success) {
      const issues = toIssues(input.error, `children.${index}.data`)
      throw new PermanentJobError(
        `fanOut: invalid input for "${child.name}": ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      )
    }
    const list = byQueue.get(definition.queue) ?? []
    list.push({
      name: child.name,
      data: input.data,
      opts: {
        ...toBullOptions(definition, {}, childId(parentId, index)),
        parent: { id: parentId, queue: job.queueQualifiedName },
        ignoreDependencyOnFailure: true,
      },
    })
    byQueue.set(definition.queue, list)
  })
  for (const [queue, jobs] of byQueue) await deps.queueOf(queue).addBulk(jobs)
}

function indexOf(key: string): number | undefined {
  const match = INDEX_OF_KEY.exec(key)
  return match ? Number(match[1]) : undefined
}

/**
 * Reports a parent's progress as its children finish: `{ done, total, failed, percent }`. Called
 * by the worker after each child it ran completed or failed.
 */
export async function reportParentProgress(child: Job, parentQueue: Queue): Promise<void> {
  const parentId = child.parent?.id
  if (!parentId) return
  const parent = await Job.fromId(parentQueue, parentId)
  // Once the parent runs again it reports the final count itself; a late report would undo it.
  if (!parent || (await parent.getState()) !== 'waiting-children') return
  const counts = await parent.getDependenciesCount()
  const processed = counts.processed ?? 0
  const failed = (counts.ignored ?? 0) + (counts.failed ?? 0)
  const total = processed + failed + (counts.unprocessed ?? 0)
  const done = processed + failed
  await parent.updateProgress({
    done,
    total,
    failed,
    percent: total ? Math.round((done / total) * 100) : 100,
  })
}
