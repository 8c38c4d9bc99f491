import type { BackendUnavailableError } from '../errors.js'
import { probeWrite } from './backend-guard.js'
import type { OperationsContext } from './context.js'
import { redisMemory, type RedisMemory } from './redis-memory.js'

/** Health of the backend (Redis): liveness, readiness to take writes, and its typed errors. */
export class BackendOperations {
  constructor(private readonly ctx: OperationsContext) {}

  /** True when Redis answers PING within `timeoutMs` (ms). @defaultValue 1000 */
  async ping(timeoutMs = 1_000): Promise<boolean> {
    const { connection } = this.ctx
    if (connection.status !== 'ready') return false
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)))
    const pong = connection.ping().then(
      (reply) => reply === 'PONG',
      () => false,
    )
    return Promise.race([pong, timeout]).finally(() => clearTimeout(timer))
  }

  /**
   * Whether Redis takes writes now (one short-lived key written, see `probeWrite`):
   * `undefined` when it does, else the error an enqueue would meet.
   */
  probeWrite(timeoutMs?: number): Promise<BackendUnavailableError | undefined> {
    return probeWrite(this.ctx.connection, this.ctx.guard, this.ctx.prefix, timeoutMs)
  }

  /** Redis's memory used and its limit (`INFO memory`; `maxBytes` 0 = no limit). */
  memory(): Promise<RedisMemory> {
    return this.ctx.guard(() => redisMemory(this.ctx.connection))
  }

  /**
   * The typed error for a Redis call that failed outside the operations (the dashboard's), or
   * `undefined` when the error is no failure of Redis.
   */
  explain(err: unknown): BackendUnavailableError | undefined {
    return this.ctx.backend.explain(err)
  }
}
