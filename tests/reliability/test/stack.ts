import { afterEach, beforeEach } from 'vitest'
import {
  createProducer,
  createRedis,
  waitForReady,
  type AnyRegistry,
  type Producer,
  type Redis,
} from '@jobq/queue-core'
import {
  deletePrefix,
  JobWaiter,
  testRedisUrl,
  uniquePrefix,
  type NodeProcess,
} from '@jobq/queue-core/testing'
import { scratch } from './support.js'

/** What each test of a scenario starts from. */
export interface Stack {
  prefix: string
  redis: Redis
  producer: Producer
  waiter: JobWaiter
  tmp: ReturnType<typeof scratch>
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
    stack.producer = createProducer({ registry, connection: stack.redis, prefix: stack.prefix })
    stack.waiter = new JobWaiter(testRedisUrl(), stack.prefix)
    stack.tmp = scratch(label)
  })
  afterEach(async (context) => {
    stack.processes.splice(0).forEach((p) => p.kill())
    await stack.producer.close()
    await stack.waiter.close()
    if (context.task.result?.state !== 'fail') await deletePrefix(stack.redis, stack.prefix)
    stack.redis.disconnect()
    stack.tmp.cleanup()
  })
  return stack
}
