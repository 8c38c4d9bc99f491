// Kind 2: anything a handler throws ends the attempt promptly, with a readable and bounded
// reason, in process and sandboxed, and the worker keeps taking jobs.
import { beforeAll, describe, expect, it } from 'vitest'
import {
  createLogger,
  createOperations,
  MAX_FAILURE_REASON_BYTES,
  STACK_TRACE_LIMIT,
  type AnyRegistry,
  type Operations,
  type Redis,
} from '@jobq/queue-core'
import {
  testRedisUrl,
  useHarness,
  type JobWaiter,
  type NodeProcess,
} from '@jobq/queue-core/testing'
import { createApp } from '../../../apps/producer/src/app.js'
import { fixture, workerMain } from './support.js'

const registryFile = fixture('thrower-registry.mjs')
const { registry } = (await import(registryFile)) as { registry: AnyRegistry }

/** What each thrown value's reason must contain (besides being readable and bounded). */
const CASES: Record<string, (string | RegExp)[]> = {
  string: [/^boom$/],
  'empty-string': ['empty string'],
  number: ['42'],
  null: ['null'],
  undefined: ['undefined'],
  boolean: ['false'],
  bigint: ['10'],
  symbol: ['Symbol(sym)'],
  object: ['"code":42'],
  array: ['"two"', '"three":3'],
  cyclic: ['"name":"loop"'],
  'object-with-bigint': ['amount', '10'],
  'tojson-throws': ['toJSON'],
  'tostring-throws': ['toString'],
  'error-getter-message-throws': ['Error'],
  'error-non-string-message': ['not a string'],
  'error-huge-message': [/^huge:x+… \[truncated: \d+ more bytes\]$/],
  aggregate: ['several failed', 'first', 'second'],
  cause: ['outer failure', 'inner cause'],
  permanent: [/^permanent: do not retry$/],
}
/** Reasons that say nothing: what BullMQ stored for a thrown non-Error before. */
const UNREADABLE = ['', 'null', 'undefined', '[object Object]', 'Error', 'Error: ']

const MODES = [
  { mode: 'in process', queue: 'inproc', job: 'field.throw' },
  { mode: 'sandboxed', queue: 'sandboxed', job: 'field.throw-sandboxed' },
] as const

describe('2. anything a handler throws ends the attempt with a readable, bounded reason', () => {
  const h = useHarness({ label: 'thrown', registry, per: 'file' })
  let prefix: string
  let redis: Redis
  let producer: Operations
  let waiter: JobWaiter
  let worker: NodeProcess
  let app: ReturnType<typeof createApp>
  const reasons = new Map<string, string>()

  beforeAll(async () => {
    ;({ prefix, redis, waiter } = h)
    producer = h.producer(createOperations)
    const logger = createLogger({ level: 'silent' })
    app = createApp({ producer, registry, logger })
    worker = h.spawn(workerMain, ['inproc', 'sandboxed'], {
      env: {
        REDIS_URL: testRedisUrl(),
        JOBQ_PREFIX: prefix,
        JOBQ_REGISTRY: registryFile,
        LOG_LEVEL: 'info',
      },
    })
    await worker.waitFor(/worker taking jobs/)
  })

  for (const { mode, queue, job } of MODES) {
    for (const [kind, expected] of Object.entries(CASES)) {
      it(`${mode}: throw ${kind}`, async () => {
        const { id } = await producer.jobs.enqueue(job, { kind })
        // Promptly: a failure must not wait for a lock to expire (30 s) to be noticed.
        const outcome = await waiter.finished(queue, id, 10_000)
        expect(outcome.state).toBe('failed')
        const reason = outcome.state === 'failed' ? outcome.reason : ''
        expect(UNREADABLE).not.toContain(reason.trim())
        expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(MAX_FAILURE_REASON_BYTES)
        for (const part of expected) {
          if (typeof part === 'string') expect(reason).toContain(part)
          else expect(reason).toMatch(part)
        }

        // The API serves the same bounded reason: GET /v1/jobs/:id and the SSE `failed` event.
        const view = (await (await app.request(`/v1/jobs/${id}`)).json()) as {
          failedReason: string
          attemptsMade: number
        }
        expect(view.failedReason).toBe(reason)
        // Permanent stays permanent; anything else is retried under `attempts: 2`.
        expect(view.attemptsMade).toBe(kind === 'permanent' ? 1 : 2)
        const sse = await (await app.request(`/v1/jobs/${id}/events`)).text()
        const failed = /event: failed\ndata: (.*)\n/.exec(sse)?.[1]
        expect(JSON.parse(failed ?? 'null')).toEqual({ type: 'failed', reason })

        // BullMQ's stored stack traces are bounded too, in count and in size.
        const raw = await redis.hget(`${prefix}:${queue}:${id}`, 'stacktrace')
        const stacktrace = JSON.parse(raw ?? '[]') as string[]
        expect(stacktrace.length).toBeLessThanOrEqual(STACK_TRACE_LIMIT)
        for (const trace of stacktrace) {
          expect(Buffer.byteLength(trace)).toBeLessThanOrEqual(MAX_FAILURE_REASON_BYTES)
        }

        // And the worker keeps taking jobs.
        const next = await producer.jobs.enqueue(job, { kind: 'none' })
        expect((await waiter.finished(queue, next.id, 10_000)).state).toBe('completed')
        reasons.set(`${mode} ${kind}`, reason)
      })
    }
  }

  it('gives the same reason in process and sandboxed', () => {
    for (const kind of Object.keys(CASES)) {
      expect(reasons.get(`sandboxed ${kind}`), kind).toBe(reasons.get(`in process ${kind}`))
    }
  })
})
