import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  createOperations,
  type AnyRegistry,
  type AttemptEntry,
  type Operations,
} from '@jobq/queue-core'
import {
  freePort,
  spawnNode,
  testRedisUrl,
  useHarness,
  type Harness,
} from '@jobq/queue-core/testing'
import {
  attemptsRegistry,
  cliMain,
  eventually,
  producerMain,
  recordOf,
  startWorker,
} from './attempts-support.js'

const { registry } = (await import(attemptsRegistry)) as { registry: AnyRegistry }

/** The outcomes and start numbers of a job's history. */
const summary = (history: AttemptEntry[] | undefined) =>
  history?.map((entry) => `${entry.attempt}:${entry.outcome}`)

// Kind 7 of issue 12: a retry by hand (POST /v1/jobs/:id/retry, POST /v1/queues/:queue/retry,
// `jobq requeue`) gives a failed job a fresh set of attempts, and its history keeps the old ones.
describe('retry means what it says: a fresh set of attempts', () => {
  const stack = useHarness({ label: 'retry', registry })
  let producer: Operations
  let dir: string
  beforeEach(() => {
    producer = stack.producer(createOperations)
    dir = stack.scratchDir()
  })

  /** A worker on the fixture registry; field.fail has attempts: 2 and fails every time. */
  const worker = (concurrency = 1) =>
    startWorker(
      {
        REDIS_URL: testRedisUrl(),
        JOBQ_PREFIX: stack.prefix,
        record: join(dir, 'record.log'),
      },
      ['default', '--concurrency', String(concurrency)],
    )

  /** Runs `ids` until they failed for good, then stops the worker (so retried jobs stay put). */
  async function failAll(ids: string[], concurrency = 1) {
    const running = await worker(concurrency)
    stack.processes.push(running)
    await Promise.all(ids.map((id) => stack.waiter.finished('default', id, 60_000)))
    running.child.kill('SIGTERM')
    expect(await running.exited).toBe(0)
  }

  /** The built producer on a free port, on this test's prefix. */
  async function httpApi(s: Harness) {
    const port = await freePort()
    const api = s.spawn(producerMain, [], {
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        REDIS_URL: testRedisUrl(),
        JOBQ_PREFIX: s.prefix,
      },
    })
    await api.waitFor(/producer listening/)
    // Listening is not connected: a producer fails fast (503) until its Redis connection is up.
    await eventually(
      () => fetch(`http://127.0.0.1:${port}/readyz`).then((res) => res.status),
      (status) => status === 200,
    )
    return async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST' })
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    }
  }

  /** `jobq …` (the built CLI) on this test's prefix. */
  async function jobq(s: Harness, ...args: string[]) {
    const cli = spawnNode(cliMain, args, {
      env: { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: s.prefix },
    })
    const code = await cli.exited
    return { code, output: cli.output() }
  }

  /** A job failed after its 2 attempts, as the view shows it before any retry. */
  async function expectSpent(id: string) {
    const view = await producer.jobs.get(id)
    expect(view).toMatchObject({ state: 'failed', attemptsMade: 2, attemptsStarted: 2 })
  }

  /** After the retry: back to waiting with nothing spent, the history kept. */
  async function expectFresh(id: string) {
    const view = await producer.jobs.get(id)
    expect(view).toMatchObject({
      state: 'waiting',
      attemptsMade: 0,
      attemptsStarted: 0,
      failedReason: null,
    })
    expect(summary(view.history)).toEqual(['1:failed', '2:failed'])
  }

  /** Run again, the job gets both its attempts again: four starts in all, numbered on. */
  async function expectRunAgain(ids: string[]) {
    await failAll(ids)
    for (const id of ids) {
      const view = await producer.jobs.get(id)
      expect(view).toMatchObject({ state: 'failed', attemptsMade: 2, attemptsStarted: 2 })
      expect(view.failedReason).toBe('field.fail fails on purpose')
      expect(summary(view.history)).toEqual(['1:failed', '2:failed', '3:failed', '4:failed'])
      const record = join(dir, 'record.log')
      expect(recordOf(record, id).filter((l) => l.kind === 'start')).toHaveLength(4)
    }
  }

  it('POST /v1/jobs/:id/retry', async () => {
    const { id } = await producer.jobs.enqueue('field.fail', {})
    await failAll([id])
    await expectSpent(id)
    const post = await httpApi(stack)
    expect(await post(`/v1/jobs/${id}/retry`)).toEqual({
      status: 200,
      body: { id, state: 'waiting' },
    })
    await expectFresh(id)
    await expectRunAgain([id])
  })

  it('POST /v1/queues/:queue/retry, over more failed jobs than one chunk', async () => {
    const { ids } = await producer.jobs.enqueueBulk(
      'field.fail',
      Array.from({ length: 1_100 }, () => ({ data: {} })),
    )
    // And one with a priority: BullMQ's own retryJobs would put it on the plain wait list.
    const { id: prioritized } = await producer.jobs.enqueue('field.fail', {}, { priority: 5 })
    await failAll([...ids, prioritized], 50)
    await expectSpent(ids[0]!)
    const post = await httpApi(stack)
    // Every failed job is requeued, the ones past the first chunk too.
    expect(await post('/v1/queues/default/retry')).toMatchObject({
      status: 200,
      body: { affected: 1_101 },
    })
    for (const id of [ids[0]!, ids[1_099]!, prioritized]) await expectFresh(id)
    const counts = await stack.waiter.counts('default')
    expect(counts).toMatchObject({ failed: 0, waiting: 1_100, prioritized: 1 })
    // Every one of them, not a sample: attemptsMade and attemptsStarted are gone from each hash.
    const spent = await Promise.all(
      [...ids, prioritized].map((id) =>
        stack.redis.hmget(`${stack.prefix}:default:${id}`, 'atm', 'ats'),
      ),
    )
    expect(spent.filter(([atm, ats]) => atm !== null || ats !== null)).toEqual([])
  })

  it('jobq requeue QUEUE ID and jobq requeue QUEUE --all', async () => {
    const { id: one } = await producer.jobs.enqueue('field.fail', {})
    const { id: two } = await producer.jobs.enqueue('field.fail', {})
    await failAll([one, two])
    await expectSpent(one)
    expect(await jobq(stack, 'requeue', 'default', one)).toMatchObject({ code: 0 })
    await expectFresh(one)
    expect(await jobq(stack, 'requeue', 'default', '--all', '--yes')).toMatchObject({ code: 0 })
    await expectFresh(two)
    await expectRunAgain([one, two])
  })

  it('keeps retrying fresh: a second retry numbers the starts on', async () => {
    const { id } = await producer.jobs.enqueue('field.fail', {})
    await failAll([id])
    await producer.control.retry(id)
    await failAll([id])
    await producer.control.retry(id)
    const view = await producer.jobs.get(id)
    expect(view).toMatchObject({ state: 'waiting', attemptsMade: 0, attemptsStarted: 0 })
    expect(summary(view.history)).toEqual(['1:failed', '2:failed', '3:failed', '4:failed'])
  })
})
