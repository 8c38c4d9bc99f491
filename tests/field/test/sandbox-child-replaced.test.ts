// Kind 4: a sandbox child whose handler module or setup() failed to load is discarded; at most
// the job that hit it fails, with the load error as its reason, and later jobs run in a fresh
// child.
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { beforeEach, describe, expect, it } from 'vitest'
import { createOperations, type AnyRegistry, type Operations } from '@jobq/queue-core'
import {
  testRedisUrl,
  useHarness,
  type JobOutcome,
  type JobWaiter,
  type NodeProcess,
} from '@jobq/queue-core/testing'
import { fixture, workerMain } from './support.js'

const registryFile = fixture('fragile-registry.mjs')
const { registry } = (await import(registryFile)) as { registry: AnyRegistry }
const JOBS = 20

/** How each way of failing to load shows in the reason of the job that hit it. */
const FAILURES = {
  import: /sandbox child could not load its handlers: handler module failed to load in pid \d+/,
  setup: /sandbox child could not load its handlers: setup failed in pid \d+/,
  exit: /sandbox child could not load its handlers: process\.exit\(3\) called while loading/,
} as const

describe('4. a sandbox child that failed to start is replaced', () => {
  const h = useHarness({ label: 'fragile', registry })
  let prefix: string
  let producer: Operations
  let waiter: JobWaiter
  let dir: string
  let worker: NodeProcess | undefined

  beforeEach(() => {
    ;({ prefix, waiter } = h)
    producer = h.producer(createOperations)
    dir = h.scratchDir()
  })

  for (const [mode, reasonPattern] of Object.entries(FAILURES)) {
    for (const concurrency of [1, 3]) {
      it(`${mode} fails once, concurrency ${concurrency}: one job fails, the rest run`, async () => {
        const marker = join(dir, 'marker')
        worker = h.spawn(workerMain, ['fragile', '--concurrency', String(concurrency)], {
          env: {
            REDIS_URL: testRedisUrl(),
            JOBQ_PREFIX: prefix,
            JOBQ_REGISTRY: registryFile,
            FIELD_FAIL: mode,
            FIELD_MARKER: marker,
            LOG_LEVEL: 'info',
          },
        })
        await worker.waitFor(/worker taking jobs/)
        const { ids } = await producer.jobs.enqueueBulk(
          'field.fragile',
          Array.from({ length: JOBS }, (_, n) => ({ data: { n } })),
        )
        const outcomes: JobOutcome[] = await Promise.all(
          ids.map((id) => waiter.finished('fragile', id, 30_000)),
        )
        const failed = outcomes.filter((o) => o.state === 'failed')
        const completed = outcomes.flatMap((o) =>
          o.state === 'completed' ? [o.result as { pid: number; setupPid: number }] : [],
        )
        // At most the job that hit the failed child fails, with the load error as its reason.
        expect(failed.map((o) => o.state === 'failed' && o.reason)).toEqual([
          expect.stringMatching(reasonPattern),
        ])
        expect(completed).toHaveLength(JOBS - 1)
        // Later jobs ran in fresh children: none in the one whose load failed.
        const failedPid = Number(readFileSync(marker, 'utf8'))
        expect(completed.map((r) => r.pid)).not.toContain(failedPid)
        // Each child ran its own setup() and took jobs only after it.
        for (const result of completed) expect(result.setupPid).toBe(result.pid)
      })
    }
  }
})
