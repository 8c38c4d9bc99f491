import type { TestProject } from 'vitest/node'
import type {} from './provided-context.js'
import { startRedisServer } from '../redis-server/redis-server.js'

/**
 * Vitest global setup: one private redis-server per test run, on a free port, no persistence.
 * Tests read its URL with `inject('redisUrl')` and isolate themselves with their own prefix.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedisServer()
  project.provide('redisUrl', server.url)
  return () => server.stop()
}
