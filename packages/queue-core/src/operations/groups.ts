import type { GroupLimits, GroupList, GroupView } from '../contracts/groups.js'
import { GroupLimitRequest } from '../contracts/groups.js'
import type { AnyJobDefinition } from '../define-job.js'
import { JobValidationError } from '../errors.js'
import type { OperationsContext } from './context.js'
import {
  baseArgs,
  defaultLimits,
  gateScope,
  groupIdOf,
  splitGroupId,
  type GateScope,
} from './groups/gate.js'
import { dispatchScript, listScript } from './groups/lua.js'
import { parseInput } from './parse-input.js'

/** Which page of a queue's groups to list. */
export interface ListGroupsOptions {
  /** @defaultValue 50 */
  limit?: number
  /** @defaultValue 0 */
  offset?: number
}

/**
 * Flow control per key, at run time: the keys with work (`GET /v1/queues/:queue/groups`,
 * `jobq groups`) and per-key overrides of a grouped job's limits (`PUT`/`DELETE
 * /v1/groups/:job/:key`, `jobq group set|reset`). The gate itself is `groups/`: held-back jobs
 * wait parked in BullMQ's `delayed` set and a Lua dispatch moves them into `wait`.
 */
export class GroupOperations {
  constructor(private readonly ctx: OperationsContext) {}

  /**
   * A page of `queue`'s keys with work, busiest (active + waiting) first. Throws
   * `UnknownQueueError`, `BackendUnavailableError`.
   */
  async list(
    queue: string,
    { limit = 50, offset = 0 }: ListGroupsOptions = {},
  ): Promise<GroupList> {
    const { ctx } = this
    ctx.queueOf(queue)
    const scope = gateScope(ctx.prefix, queue)
    const [total, rows] = (await ctx.guard(() =>
      listScript(ctx.connection, [scope.routing], [...baseArgs(scope), offset, limit]),
    )) as [number, (string | number | null)[]]
    const groups: GroupView[] = []
    for (let i = 0; i + 3 < rows.length; i += 4) {
      const { job, key } = splitGroupId(String(rows[i]))
      const override = rows[i + 3]
      groups.push({
        job,
        key,
        active: Number(rows[i + 1]),
        waiting: Number(rows[i + 2]),
        limits: override ? parseLimits(String(override)) : this.defaultsOf(job),
        overridden: Boolean(override),
      })
    }
    return { groups, total }
  }

  /**
   * Sets another limit for key `key` of grouped job `job` (fields left out keep the definition's)
   * and dispatches the key at once under it. Answers the key as it is now. Throws
   * `UnknownJobError`, `JobValidationError` (bad request, or a job without `group`).
   */
  async setLimits(job: string, key: string, request: unknown): Promise<GroupView> {
    const definition = this.groupedJob(job)
    const { concurrency, rate } = parseInput(GroupLimitRequest, request, 'group limits')
    const defaults = this.defaultsOf(job)
    const limits: GroupLimits = {
      concurrency: concurrency ?? defaults.concurrency,
      rate: rate === undefined ? defaults.rate : rate,
    }
    const scope = gateScope(this.ctx.prefix, definition.queue)
    const gid = groupIdOf(job, checkKey(key))
    await this.ctx.guard(() =>
      this.ctx.connection.hset(`${scope.group}:limits`, gid, formatLimits(limits)),
    )
    await this.dispatch(scope, definition, gid)
    return this.view(definition, key)
  }

  /** Drops key `key`'s override: the definition's limits apply again. Throws as {@link setLimits}. */
  async resetLimits(job: string, key: string): Promise<GroupView> {
    const definition = this.groupedJob(job)
    const scope = gateScope(this.ctx.prefix, definition.queue)
    const gid = groupIdOf(job, checkKey(key))
    await this.ctx.guard(() => this.ctx.connection.hdel(`${scope.group}:limits`, gid))
    await this.dispatch(scope, definition, gid)
    return this.view(definition, key)
  }

  /** One key of a grouped job as {@link list} shows it (all zero when it has no work). */
  async view(definition: AnyJobDefinition, key: string): Promise<GroupView> {
    const { connection: redis, prefix } = this.ctx
    const scope = gateScope(prefix, definition.queue)
    const gid = groupIdOf(definition.name, key)
    const [active, waiting, override] = await this.ctx.guard(() =>
      Promise.all([
        redis.scard(`${scope.group}:h:${gid}`),
        redis.llen(`${scope.group}:p:${gid}`),
        redis.hget(`${scope.group}:limits`, gid),
      ]),
    )
    return {
      job: definition.name,
      key,
      active,
      waiting,
      limits: override ? parseLimits(override) : this.defaultsOf(definition.name),
      overridden: override !== null,
    }
  }

  private dispatch(scope: GateScope, definition: AnyJobDefinition, gid: string) {
    const limits = defaultLimits(this.ctx.registry, definition.queue)
    return this.ctx.guard(() =>
      dispatchScript(this.ctx.connection, [scope.routing], [...baseArgs(scope), gid, ...limits]),
    )
  }

  private groupedJob(job: string): AnyJobDefinition {
    const definition = this.ctx.jobOf(job)
    if (!definition.group) {
      throw new JobValidationError(`job "${job}" has no group`, [
        { path: 'job', message: `job "${job}" declares no group: there is no key to limit` },
      ])
    }
    return definition
  }

  private defaultsOf(job: string): GroupLimits {
    const group = this.ctx.registry.job(job)?.group
    return { concurrency: group?.concurrency ?? 0, rate: group?.rate ?? null }
  }
}

function checkKey(key: string): string {
  if (key.length === 0 || key.length > 200) {
    throw new JobValidationError('invalid group key', [
      { path: 'key', message: 'a group key is a string of 1 to 200 characters' },
    ])
  }
  return key
}

/** The scripts' form of limits: "concurrency max duration" (0 0: no rate). */
function formatLimits({ concurrency, rate }: GroupLimits): string {
  return `${concurrency} ${rate?.max ?? 0} ${rate?.durationMs ?? 0}`
}

function parseLimits(stored: string): GroupLimits {
  const [concurrency = 0, max = 0, durationMs = 0] = stored.split(' ').map(Number)
  return { concurrency, rate: max > 0 ? { max, durationMs } : null }
}
