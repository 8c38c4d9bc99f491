// Kind 3: no caller-supplied id may reach the queue's own bookkeeping keys. A live queue is put
// through every feature (enqueue, delayed, priority, bulk, fan-out, a schedule, pause, retry,
// cancel, clean, the rate limiter, events, metrics); the names of the keys it then holds are read
// from Redis, not from a list, and each one is sent as a caller's `jobId`. The queue must go on
// running jobs, every route must keep answering, and a worker started afterwards must boot.
import { describe, expect, it } from 'vitest'
import { useHarness } from '@jobq/queue-core/testing'
import { eventually, IdsStack } from './ids-support.js'

let stack: IdsStack

const h = useHarness({ label: 'ids' })

/** Every key of queue `default` in Redis, as the suffix after `<prefix>:default:`. */
async function queueKeySuffixes(): Promise<string[]> {
  const start = `${stack.prefix}:default:`
  const suffixes = new Set<string>()
  let cursor = '0'
  do {
    const [next, keys] = await stack.redis.scan(cursor, 'MATCH', `${start}*`, 'COUNT', 1_000)
    for (const key of keys) suffixes.add(key.slice(start.length))
    cursor = next
  } while (cursor !== '0')
  return [...suffixes]
}

/** Runs every feature of jobq once on queue `default`, so each key it uses exists. */
async function exerciseEveryFeature(): Promise<void> {
  const ok = (r: { status: number; body: unknown }, what: string) =>
    expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBeLessThan(300)
  const plain = await stack.post('/v1/jobs/demo.echo', { data: 'plain' })
  ok(plain, 'enqueue')
  ok(
    await stack.post('/v1/jobs/demo.sleep', { data: { ms: 1 }, options: { delay: 600_000 } }),
    'delayed',
  )
  const delayed = await stack.post('/v1/jobs/demo.echo', { data: 'x', options: { delay: 600_000 } })
  ok(await stack.request('DELETE', `/v1/jobs/${delayed.body.id}`), 'cancel')
  ok(await stack.post('/v1/jobs/demo.echo', { data: 'p', options: { priority: 5 } }), 'priority')
  ok(
    await stack.post('/v1/jobs/demo.echo', { data: 'keyed', options: { jobId: 'keyed-1' } }),
    'key',
  )
  ok(await stack.post('/v1/jobs/demo.echo/bulk', { count: 5, data: 'bulk' }), 'bulk')
  // A fan-out whose poisoned row fails its attempts: a failed child to retry.
  const rows = await stack.post('/v1/jobs/demo.rows', {
    data: { rows: [{ a: 1 }, { poison: true }] },
  })
  ok(rows, 'fan-out')
  const poisoned = `${rows.body.id}.c1`
  await stack.until(poisoned, ['failed'])
  ok(await stack.post(`/v1/jobs/${poisoned}/retry`, {}), 'retry')
  await stack.until(rows.body.id, ['completed'])
  ok(await stack.post('/v1/queues/default/pause', {}), 'pause')
  ok(await stack.post('/v1/queues/default/resume', {}), 'resume')
  await stack.until(plain.body.id, ['completed'])
  ok(await stack.get(`/v1/jobs/${plain.body.id}/events`), 'events')
  ok(await stack.get('/metrics'), 'metrics')
  ok(await stack.get('/v1/schedules'), 'schedules')
  const clean = await stack.cli(
    'clean',
    'default',
    '--state',
    'failed',
    '--older-than',
    '0',
    '--yes',
  )
  expect(clean.code, clean.out).toBe(0)
}

describe('caller ids and the queue keys', () => {
  it('no key name a live queue uses, sent as jobId, touches the queue', async () => {
    stack = new IdsStack(h)
    await stack.startProducer()
    // A schedule (its runs fan out, one row held active), a rate limiter, concurrency 10.
    const worker = await stack.startWorker({ JOBQ_TEST_SCHEDULE_ROWS: '*/2 * * * * *' })
    await exerciseEveryFeature()
    // A scheduled run's held row is active; paused, the queue keeps new jobs in its wait list.
    await eventually(queueKeySuffixes, (s) => s.includes('active'), 30_000)
    expect((await stack.post('/v1/queues/default/pause', {})).status).toBe(200)
    expect((await stack.post('/v1/jobs/demo.echo', { data: 'waits' })).status).toBe(202)

    const suffixes = await queueKeySuffixes()
    // Each suffix, and its first segment (`repeat`, `metrics`, a job id before `:lock`, ...).
    const names = [...new Set([...suffixes, ...suffixes.map((s) => s.split(':')[0]!)])]
    for (const expected of ['active', 'wait', 'meta', 'id', 'events', 'repeat']) {
      expect(names, `${expected} is among the key names read from Redis`).toContain(expected)
    }

    const problems: string[] = []
    const made: string[] = []
    for (const name of names) {
      const res = await stack.post('/v1/jobs/demo.echo', { data: name, options: { jobId: name } })
      if (res.status === 202 || res.status === 200) made.push(res.body.id)
      else problems.push(`jobId ${name}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`)
      const read = await stack.get(`/v1/jobs/${encodeURIComponent(name)}`)
      if (read.status >= 500) problems.push(`GET /v1/jobs/${name}: ${read.status}`)
    }

    const queues = await stack.get('/v1/queues')
    if (queues.status !== 200) problems.push(`GET /v1/queues: ${queues.status}`)
    const resume = await stack.post('/v1/queues/default/resume', {})
    if (resume.status !== 200) problems.push(`resume: ${resume.status}`)
    for (const id of made) {
      const read = await stack.get(`/v1/jobs/${encodeURIComponent(id)}`)
      if (read.status !== 200) problems.push(`GET /v1/jobs/${id}: ${read.status}`)
    }
    expect(problems, `${problems.length} problems`).toEqual([])

    // The queue still runs jobs, on the worker that saw it all and on one started afterwards.
    const after = await stack.post('/v1/jobs/demo.echo', { data: 'after' })
    await stack.until(after.body.id, ['completed'])
    const late = await stack.startWorker()
    const last = await stack.post('/v1/jobs/demo.echo/bulk', { count: 20, data: 'last' })
    for (const id of last.body.ids) await stack.until(id, ['completed'])
    expect(worker.child.exitCode).toBeNull()
    expect(late.child.exitCode).toBeNull()
    // And none of the keys the callers named changed type: `active` is still BullMQ's list.
    expect(['list', 'none']).toContain(await stack.redis.type(`${stack.prefix}:default:active`))
    expect(['zset', 'none']).toContain(await stack.redis.type(`${stack.prefix}:default:repeat`))
  })
})
