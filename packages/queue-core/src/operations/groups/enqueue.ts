import type { AnyJobDefinition } from '../../define-job.js'
import { JobValidationError } from '../../errors.js'
import { toBullOptions } from '../../job-options.js'
import type { OperationsContext } from '../context.js'
import type { ValidItem } from '../validate-items.js'
import { addHeld, gateScope, groupKeysOf } from './gate.js'
import { newJobId } from '../../job-id.js'

/**
 * Enqueues items of a grouped job (all or none): each is held back in its group and dispatched
 * when the group has room (see `operations/groups.ts`). Answers the new ids and when the jobs were
 * made. Throws `JobValidationError` for a bad group key, an idempotency key (`jobId`) or a `delay`
 * (neither is supported on grouped jobs yet), `BackendUnavailableError` when Redis is away.
 */
export async function enqueueGrouped(
  ctx: OperationsContext,
  definition: AnyJobDefinition,
  items: readonly ValidItem[],
): Promise<{ ids: string[]; at: number }> {
  refuseUnsupported(definition, items)
  const keys = groupKeysOf(
    definition,
    items.map((item) => item.data),
  )
  const queue = ctx.queueOf(definition.queue)
  const at = Date.now()
  const jobs = items.map(({ data, options }, i) => {
    const jobId = newJobId(definition.queue)
    const opts = { ...toBullOptions(definition, options, jobId, ctx.retention), jobId }
    return { name: definition.name, data, opts, key: keys[i]! }
  })
  const scope = gateScope(ctx.prefix, definition.queue)
  await ctx.guard(() => addHeld(queue, ctx.registry, scope, jobs))
  return { ids: jobs.map((job) => job.opts.jobId), at }
}

function refuseUnsupported(definition: AnyJobDefinition, items: readonly ValidItem[]): void {
  const issues = items.flatMap(({ options }, i) => {
    const at = items.length === 1 ? 'options' : `items.${i}.options`
    return [
      ...(options.jobId === undefined
        ? []
        : [{ path: `${at}.jobId`, message: 'idempotency keys are not supported on grouped jobs' }]),
      ...(options.delay
        ? [{ path: `${at}.delay`, message: 'delay is not supported on grouped jobs' }]
        : []),
    ]
  })
  if (issues.length) {
    throw new JobValidationError(`invalid options for job "${definition.name}"`, issues)
  }
}
