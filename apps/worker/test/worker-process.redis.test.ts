import './provided-context.js'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeEach, describe, expect, it } from 'vitest'
import { registry } from '@jobq/jobs'
import { createOperations, type Operations } from '@jobq/queue-core'
import { testRedisUrl, useHarness } from '@jobq/queue-core/testing'

const workerMain = fileURLToPath(new URL('../dist/main.js', import.meta.url))

describe('worker process', () => {
  const stack = useHarness({ label: 'worker', registry })
  let producer: Operations
  let dir: string
  beforeEach(() => {
    producer = stack.producer(createOperations)
    dir = stack.scratchDir()
  })

  /** Starts `node apps/worker/dist/main.js ...args` and resolves with its worker id once ready. */
  async function startWorker(args: string[], env: Record<string, string> = {}) {
    const worker = stack.spawn(workerMain, args, {
      env: {
        REDIS_URL: testRedisUrl(),
        JOBQ_PREFIX: stack.prefix,
        JOBQ_DEMO_FILE: join(dir, 'large_file.txt'),
        JOBQ_DEMO_FILE_MB: '1',
        ...env,
      },
    })
    const line = await worker.waitFor(/worker taking jobs/)
    return { worker, id: (JSON.parse(line) as { workerId: string }).workerId }
  }

  const enqueueMany = (name: string, data: unknown, count: number) =>
    Promise.all(
      Array.from({ length: count }, async () => (await producer.jobs.enqueue(name, data)).id),
    )

  it('a big_file worker never takes a default job, and a default worker never a big_file job', async () => {
    const bigFileWorker = await startWorker(['big_file'])
    const defaultWorker = await startWorker([], { JOBQ_QUEUES: 'default' })
    const bigIds = await enqueueMany('demo.big-file', {}, 5)
    const echoIds = await enqueueMany('demo.echo', { n: 1 }, 5)
    await Promise.all([
      ...bigIds.map((id) => stack.waiter.finished('big_file', id)),
      ...echoIds.map((id) => stack.waiter.finished('default', id)),
    ])
    for (const id of bigIds) expect((await producer.jobs.get(id)).workerId).toBe(bigFileWorker.id)
    for (const id of echoIds) expect((await producer.jobs.get(id)).workerId).toBe(defaultWorker.id)
  })

  it('a reports worker runs only reports jobs; the demo queues wait for their own workers', async () => {
    const reportsWorker = await startWorker(['reports'])
    const reportIds = await enqueueMany('reports.summarize', { title: 't', values: [1, 2, 6] }, 5)
    const echoIds = await enqueueMany('demo.echo', { n: 1 }, 3)
    const outcomes = await Promise.all(reportIds.map((id) => stack.waiter.finished('reports', id)))
    expect(outcomes[0]).toMatchObject({
      state: 'completed',
      result: { title: 't', count: 3, sum: 9, mean: 3, min: 1, max: 6 },
    })
    for (const id of reportIds)
      expect((await producer.jobs.get(id)).workerId).toBe(reportsWorker.id)
    // The demo jobs were enqueued before the reports jobs finished, and nobody took them.
    expect(await stack.waiter.counts('default')).toMatchObject({
      waiting: 3,
      active: 0,
      completed: 0,
    })

    const defaultWorker = await startWorker(['default'])
    await Promise.all(echoIds.map((id) => stack.waiter.finished('default', id)))
    for (const id of echoIds) expect((await producer.jobs.get(id)).workerId).toBe(defaultWorker.id)
  })

  it('runs setup() once per process: 20 jobs of one process share loadedAt and pid', async () => {
    const first = await startWorker(['big_file'])
    const ids = await enqueueMany('demo.big-file', {}, 20)
    const outcomes = await Promise.all(ids.map((id) => stack.waiter.finished('big_file', id)))
    const results = outcomes.map((o) => (o.state === 'completed' ? o.result : o)) as {
      bytes: number
      loadedAt: string
      pid: number
    }[]
    expect(new Set(results.map((r) => r.loadedAt)).size).toBe(1)
    expect(new Set(results.map((r) => r.pid))).toEqual(new Set([first.worker.child.pid]))
    expect(new Set(results.map((r) => r.bytes))).toEqual(new Set([1024 * 1024]))

    // A second process preloads on its own.
    first.worker.child.kill('SIGTERM')
    expect(await first.worker.exited).toBe(0)
    const second = await startWorker(['big_file'])
    const [id] = await enqueueMany('demo.big-file', {}, 1)
    const outcome = await stack.waiter.finished('big_file', id!)
    const again = (outcome.state === 'completed' ? outcome.result : outcome) as (typeof results)[0]
    expect(again.pid).toBe(second.worker.child.pid)
    expect(again.loadedAt > results[0]!.loadedAt).toBe(true)
  })

  it('on SIGTERM finishes the running job, then exits 0', async () => {
    const { worker, id: workerId } = await startWorker(['default'])
    const { id } = await producer.jobs.enqueue('demo.sleep', { ms: 1_500, message: 'finish me' })
    await stack.waiter.active('default', id)
    worker.child.kill('SIGTERM')
    expect(await worker.exited).toBe(0)
    const job = await producer.jobs.get(id)
    expect(job).toMatchObject({
      state: 'completed',
      result: { sleptMs: 1_500, message: 'finish me' },
      workerId,
      attemptsMade: 1,
    })
  })

  it('stops with a clear message on a bad environment or command line', async () => {
    const cases: [string[], Record<string, string>, number, RegExp][] = [
      [[], { REDIS_URL: 'http://nope' }, 1, /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/],
      [[], { JOBQ_CONCURRENCY: 'lots' }, 1, /JOBQ_CONCURRENCY: must be a whole number/],
      [['emails'], {}, 2, /unknown queue "emails" \(known: default, big_file, reports\)/],
      [[], { REDIS_CLUSTER_NODES: '127.0.0.1:7000' }, 1, /JOBQ_PREFIX: must start with a hash tag/],
      [[], { REDIS_SENTINELS: '127.0.0.1:26379' }, 1, /REDIS_SENTINEL_NAME: is required/],
      [['--concurrency', '0'], {}, 2, /--concurrency must be a whole number of at least 1/],
      [['--processes', '0'], {}, 2, /--processes must be a whole number of at least 1/],
      [[], { WORKER_HTTP_PORT: 'http' }, 1, /WORKER_HTTP_PORT: must be a port number/],
      [[], { JOBQ_HEARTBEAT_MS: '1' }, 1, /JOBQ_HEARTBEAT_MS: must be at least 50/],
      [['--bogus'], {}, 2, /Unknown option '--bogus'[\s\S]*usage: jobq-worker/],
    ]
    for (const [args, env, code, message] of cases) {
      const worker = stack.spawn(workerMain, args, {
        env: { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: stack.prefix, ...env },
      })
      expect(await worker.exited, args.join(' ')).toBe(code)
      expect(worker.output()).toMatch(message)
    }
  })
})
