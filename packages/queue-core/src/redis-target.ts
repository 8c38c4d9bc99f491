import { z } from 'zod'
import type { ValidationIssue } from './errors.js'

/** A Redis node's address, e.g. from `REDIS_SENTINELS=10.0.0.1:26379,10.0.0.2:26379`. */
export interface HostPort {
  host: string
  port: number
}

/**
 * Where Redis is, in one of three shapes. For a Sentinel set or a cluster the optional `url`
 * carries only credentials (user, password), the db (Sentinel only) and TLS (`rediss://`); its
 * host and port are not used.
 */
export type RedisTarget =
  | { kind: 'standalone'; url: string }
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string; url?: string }
  | { kind: 'cluster'; nodes: HostPort[]; url?: string }

const hostPort = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/

/** A comma-separated `host:port` list env var (IPv6 in brackets: `[::1]:26379`). */
export const hostPortListEnv = z
  .string()
  .optional()
  .transform((s, ctx) => {
    const parts = (s ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
    const nodes: HostPort[] = []
    for (const part of parts) {
      const match = hostPort.exec(part)
      const port = Number(match?.[2])
      if (!match || port < 1 || port > 65_535) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not host:port (e.g. redis-1:26379)` })
        return z.NEVER
      }
      nodes.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port })
    }
    return nodes
  })

/**
 * A Redis key's hash slot is computed from the first `{…}` in it. BullMQ's Lua scripts touch many
 * keys of one queue at once, so on a cluster every key under the prefix must share a slot:
 * `{jobq}` does that (and keeps jobq's own keys — worker records, cancel channel — beside them).
 */
const HASH_TAGGED = /^[^{}]*\{[^{}]+\}/

/**
 * Cross-variable checks of the Redis topology, on the raw environment: which of REDIS_URL,
 * REDIS_SENTINELS(+NAME) and REDIS_CLUSTER_NODES is set, and a hash-tagged prefix on a cluster.
 */
export function redisTopologyIssues(env: Record<string, string | undefined>): ValidationIssue[] {
  const sentinels = !!env.REDIS_SENTINELS?.trim()
  const cluster = !!env.REDIS_CLUSTER_NODES?.trim()
  const issues: ValidationIssue[] = []
  if (!sentinels && !cluster && env.REDIS_URL === undefined) {
    issues.push({
      path: 'REDIS_URL',
      message:
        'is required, e.g. redis://:password@127.0.0.1:6379/0 (or set REDIS_SENTINELS or REDIS_CLUSTER_NODES)',
    })
  }
  if (sentinels && cluster) {
    issues.push({
      path: 'REDIS_CLUSTER_NODES',
      message: 'cannot be combined with REDIS_SENTINELS: choose one topology',
    })
  }
  if (sentinels && !env.REDIS_SENTINEL_NAME) {
    issues.push({
      path: 'REDIS_SENTINEL_NAME',
      message: 'is required with REDIS_SENTINELS: the master name of sentinel.conf, e.g. mymaster',
    })
  }
  if (!sentinels && env.REDIS_SENTINEL_NAME) {
    issues.push({ path: 'REDIS_SENTINELS', message: 'is required with REDIS_SENTINEL_NAME' })
  }
  if (cluster && !HASH_TAGGED.test(env.JOBQ_PREFIX ?? 'jobq')) {
    issues.push({
      path: 'JOBQ_PREFIX',
      message:
        'must start with a hash tag on a cluster, e.g. {jobq}: BullMQ scripts touch many keys of a queue at once and they must share one slot (CROSSSLOT otherwise)',
    })
  }
  if (cluster && env.REDIS_URL && !/^rediss?:\/\/[^/]*\/?(0)?$/.test(env.REDIS_URL)) {
    issues.push({ path: 'REDIS_URL', message: 'a cluster has only db 0: drop the /db part' })
  }
  return issues
}

/** The variables {@link redisTargetOf} reads, as {@link parseEnv} returns them. */
export interface RedisEnv {
  REDIS_URL?: string | undefined
  REDIS_SENTINELS: HostPort[]
  REDIS_SENTINEL_NAME?: string | undefined
  REDIS_CLUSTER_NODES: HostPort[]
}

/** The topology a validated environment describes. */
export function redisTargetOf(env: RedisEnv): RedisTarget {
  const url = env.REDIS_URL
  if (env.REDIS_SENTINELS.length) {
    return { kind: 'sentinel', sentinels: env.REDIS_SENTINELS, name: env.REDIS_SENTINEL_NAME!, url }
  }
  if (env.REDIS_CLUSTER_NODES.length)
    return { kind: 'cluster', nodes: env.REDIS_CLUSTER_NODES, url }
  return { kind: 'standalone', url: url! }
}
