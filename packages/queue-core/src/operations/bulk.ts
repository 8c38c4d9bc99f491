import { randomUUID } from 'node:crypto'
import {
  BulkAction,
  BulkActionRequest,
  type BulkDryRun,
  type BulkOperation,
} from '../contracts/bulk.js'
import { JobValidationError } from '../errors.js'
import { actOn, type ActDeps, type Outcome } from './bulk/act.js'
import { OperationRecord, readOperation } from './bulk/record.js'
import { redriveDataOf, type RedriveData } from './bulk/redrive-data.js'
import { selectJobs, type Selection, type Target } from './bulk/select.js'
import type { OperationsContext } from './context.js'
import type { ControlOperations } from './control.js'
import { retryThroughGate } from './groups/retry.js'
import { parseInput } from './parse-input.js'

/** Jobs acted on at once: one chunk's actions run concurrently, then progress is stored. */
const BULK_CHUNK = 500

const refuse = (path: string, message: string) =>
  new JobValidationError(`invalid bulk request: ${message}`, [{ path, message }])

/** A request checked and its jobs selected: what an operation runs. */
interface Prepared {
  action: BulkAction
  selection: Selection
  redrive?: RedriveData | undefined
}

/**
 * Bulk actions on the jobs a filter matches (README "Bulk actions"): a dry run answers the
 * count; a start answers an operation at once and runs it in this process, in chunks of
 * {@link BULK_CHUNK}, each job moved by a step that checks its state atomically (a job that
 * moved on is skipped and counted, never acted on twice). Progress is kept in Redis 24 h.
 */
export class BulkOperations {
  private readonly running = new Set<Promise<void>>()
  private closing = false
  private readonly deps: Omit<ActDeps, 'action' | 'redrive'>

  constructor(
    private readonly ctx: OperationsContext,
    control: ControlOperations,
  ) {
    const retryJob = retryThroughGate(ctx.registry, ctx.connection, ctx.prefix)
    this.deps = { ctx, control, retryJob }
  }

  /**
   * How many jobs `action` would be tried on, acting on none. Throws `JobValidationError` (a
   * bad action, body or payload), `UnknownJobError`, `UnknownQueueError`.
   */
  async dryRun(action: string, body: unknown): Promise<BulkDryRun> {
    const prepared = await this.prepare(action, body)
    const { targets, more } = prepared.selection
    return { action: prepared.action, dryRun: true, matched: targets.length, more }
  }

  /**
   * Starts `action` over the jobs `body` selects and answers the operation (state `running`)
   * once its record is stored; it runs on in this process. Throws as {@link dryRun}, and
   * nothing has moved then.
   */
  async start(action: string, body: unknown): Promise<BulkOperation> {
    const prepared = await this.prepare(action, body)
    const { targets, more } = prepared.selection
    const id = randomUUID()
    const record = await this.ctx.guard(() =>
      OperationRecord.create(this.ctx.connection, this.ctx.prefix, {
        id,
        action: prepared.action,
        matched: targets.length,
        more,
      }),
    )
    const run = this.execute(record, prepared).finally(() => this.running.delete(run))
    this.running.add(run)
    return (await this.get(id))!
  }

  /** Operation `id` and its progress, or undefined when unknown or older than 24 h. */
  get(id: string): Promise<BulkOperation | undefined> {
    return this.ctx.guard(() => readOperation(this.ctx.connection, this.ctx.prefix, id))
  }

  /** Stops the running operations after their current chunk (they end `interrupted`). */
  async close(): Promise<void> {
    this.closing = true
    await Promise.all(this.running)
  }

  private async prepare(rawAction: string, body: unknown): Promise<Prepared> {
    const action = parseInput(BulkAction, rawAction, 'bulk action')
    const request = parseInput(BulkActionRequest, body, 'bulk request')
    if (request.data !== undefined && action !== 'redrive') {
      throw refuse('data', 'only a redrive takes an edited payload')
    }
    // The payload is checked before the selection, which needs a name only to find the jobs.
    const named = request.filter?.name
    let redrive =
      request.data !== undefined && named !== undefined
        ? redriveDataOf(this.ctx, this.ctx.jobOf(named), request.data)
        : undefined
    const selection = await selectJobs(this.ctx, action, request)
    if (request.data !== undefined && redrive === undefined) {
      redrive = redriveDataOf(this.ctx, await this.onlyJobOf(selection.targets), request.data)
    }
    return { action, selection, redrive }
  }

  /** The one job definition every target is of (redrive by ids with a payload). */
  private async onlyJobOf(targets: readonly Target[]) {
    const names = await this.ctx.guard(() =>
      Promise.all(
        targets.map(async (t) => t.queue && this.ctx.connection.hget(t.queue.toKey(t.id), 'name')),
      ),
    )
    const distinct = [...new Set(names.filter((n): n is string => typeof n === 'string'))]
    if (distinct.length !== 1) {
      throw refuse('data', `an edited payload needs jobs of one name (found ${distinct.length})`)
    }
    return this.ctx.jobOf(distinct[0]!)
  }

  private async execute(record: OperationRecord, prepared: Prepared): Promise<void> {
    const deps: ActDeps = { ...this.deps, action: prepared.action, redrive: prepared.redrive }
    const { targets } = prepared.selection
    const counts = { done: 0, skipped: 0 }
    try {
      for (let at = 0; at < targets.length; at += BULK_CHUNK) {
        if (this.closing) return await record.finish('interrupted', counts)
        const chunk = targets.slice(at, at + BULK_CHUNK)
        const outcomes: Outcome[] = await Promise.all(chunk.map((t) => actOn(deps, t)))
        for (const outcome of outcomes) counts[outcome]++
        await this.ctx.guard(() => record.progress(counts.done, counts.skipped))
      }
      await record.finish('done', counts)
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err)
      this.ctx.logger?.warn({ err: why, operation: record.id }, 'bulk operation failed')
      // Redis away: the record is left to its lease, and reads as interrupted once it lapses.
      await record.finish('failed', counts, why).catch(() => record.abandon())
    }
  }
}
