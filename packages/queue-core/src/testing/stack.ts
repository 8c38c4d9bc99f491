import { afterEach, beforeEach } from 'vitest'
import { createRedis, waitForReady, type Redis } from '../connection.js'
import { createOperations, type Operations } from '../operations/index.js'
import type { AnyRegistry } from '../registry.js'
import { deletePrefix, uniquePrefix } from './helpers.js'
import { JobWaiter } from './job-waiter.js'
import type { NodeProcess } from './process.js'
import { testRedisUrl } from './provided-context.js'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** What each test of a scenario starts from. */
export interface Stack {
  prefix: string
  redis: Redis
  producer: Operations
  waiter: JobWaiter
  /** A scratch folder for this test, removed after it. */
  tmp: { dir: string }
  /** Processes the test started; killed after it. */
  processes: NodeProcess[]
}

/**
 * Registers, for every test of the calling `describe`, a producer on `registry` under a fresh
 * prefix, a JobWaiter and a scratch folder; afterwards everything is closed, the processes are
 * killed, and the keys deleted unless the test failed (kept for a look).
 */
export function useStack(label: string, registry: AnyRegistry): Stack {
  const stack = { processes: [] as NodeProcess[] } as Stack
  beforeEach(async () => {
    stack.prefix = uniquePrefix(label)
    stack.redis = createRedis({ url: testRedisUrl(), role: 'producer' })
    await waitForReady(stack.redis, 5_000)
    stack.producer = createOperations({ registry, connection: stack.redis, prefix: stack.prefix })
    stack.waiter = new JobWaiter(testRedisUrl(), stack.prefix)
    stack.tmp = { dir: mkdtempSync(join(tmpdir(), `jobq-${label}-`)) }
  })
  afterEach(async (context) => {
    stack.processes.splice(0).forEach((p) => p.kill())
    await stack.producer.close()
    await stack.waiter.close()
    if (context.task.result?.state !== 'fail') await deletePrefix(stack.redis, stack.prefix)
    stack.redis.disconnect()
    rmSync(stack.tmp.dir, { recursive: true, force: true })
  })
  return stack
}
