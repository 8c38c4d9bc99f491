import { createHash } from 'node:crypto'
import type { Redis } from './connection.js'

/** A Lua script jobq runs on a connection it shares: {@link script}. */
export type LuaScript = (
  redis: Redis,
  keys: readonly string[],
  args: readonly (string | number)[],
) => Promise<unknown>

/**
 * A Lua script sent as EVALSHA, falling back to EVAL once when Redis does not know it (NOSCRIPT:
 * a restart, SCRIPT FLUSH). Unlike ioredis's `defineCommand`, it adds no method to the
 * connection: a command defined while an auto-pipeline of that connection is open is missing
 * from that pipeline ("pipeline[functionName] is not a function", seen by the chaos run on
 * `GET /v1/jobs/:id`), whereas EVALSHA and EVAL are on every pipeline.
 */
export function script(lua: string): LuaScript {
  const sha = createHash('sha1').update(lua).digest('hex')
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args)
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err
      return redis.eval(lua, keys.length, ...keys, ...args)
    }
  }
}
