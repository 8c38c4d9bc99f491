import { beforeEach, describe, expect, it } from 'vitest'
import { nextRuns, startWorker } from '@jobq/queue-core'
import type { JobWaiter } from '@jobq/queue-core/testing'
import { useHttpStack } from './support/http-stack.js'

// Kind 12: the docs state what users get wrong. A paused queue's backlog (fixed: 0, with
// jobq_queue_paused 1), and the two rules the README and /docs now state, each checked against
// the real thing: BullMQ's priority order on a real worker, and cron runs across DST computed by
// the function BullMQ's job schedulers use.

const stack = useHttpStack()

const post = (path: string, body: unknown) =>
  stack.app.request(path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  })

async function metric(name: string): Promise<string | undefined> {
  const text = await (await stack.app.request('/metrics')).text()
  return new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]
}

async function summary(queue: string) {
  const res = await stack.app.request('/v1/queues')
  const { queues } = (await res.json()) as {
    queues: { name: string; paused: boolean; backlog: number; counts: { waiting: number } }[]
  }
  return queues.find((q) => q.name === queue)
}

describe('a paused queue', () => {
  it.each([
    ['plain jobs', [{}, {}, {}]],
    ['prioritized jobs', [{ priority: 1 }, { priority: 5 }, {}]],
    ['a delayed job whose time has come', [{ delay: 1 }, {}, {}]],
  ])(
    'with %s reports a backlog of 0 and jobq_queue_paused 1, its jobs still counted',
    async (_, options) => {
      for (const opts of options) {
        expect((await post('/v1/jobs/demo.echo', { data: 1, options: opts })).status).toBe(202)
      }
      // The delayed job's time comes at once (1 ms) and no worker promotes it: still backlog.
      expect(await metric('jobq_queue_backlog\\{queue="default"\\}')).toBe('3')

      expect((await post('/v1/queues/default/pause', {})).status).toBe(200)
      // /metrics shares one read of Redis per second between gauges: wait it out, not a sleep
      // that could be too short.
      await expect.poll(() => metric('jobq_queue_paused\\{queue="default"\\}')).toBe('1')
      expect(await metric('jobq_queue_backlog\\{queue="default"\\}')).toBe('0')
      const jobs = Number(await metric('jobq_queue_jobs\\{queue="default",state="waiting"\\}'))
      const delayed = Number(await metric('jobq_queue_jobs\\{queue="default",state="delayed"\\}'))
      expect(jobs + delayed).toBe(3)
      expect(await summary('default')).toMatchObject({ paused: true, backlog: 0 })

      expect((await post('/v1/queues/default/resume', {})).status).toBe(200)
      await expect.poll(() => metric('jobq_queue_paused\\{queue="default"\\}')).toBe('0')
      expect(await metric('jobq_queue_backlog\\{queue="default"\\}')).toBe('3')
    },
  )
})

describe('the priority rule the docs state', () => {
  let waiter: JobWaiter

  beforeEach(() => {
    waiter = stack.waiter
  })

  it('runs jobs without a priority first (in order), then by priority, lowest first', async () => {
    const enqueued: [string, number | undefined][] = [
      ['p5', 5],
      ['p1', 1],
      ['none-a', undefined],
      ['p1-b', 1],
      ['none-b', undefined],
    ]
    // The name each job was enqueued under → the id enqueue answered.
    const ids = new Map<string, string>()
    for (const [label, priority] of enqueued) {
      const options = priority ? { priority } : {}
      const answer = await post('/v1/jobs/demo.sleep', { data: { ms: 5, message: label }, options })
      expect(answer.status).toBe(202)
      ids.set(label, ((await answer.json()) as { id: string }).id)
    }
    await stack.worker(startWorker, { queues: ['default'], concurrency: 1 })
    for (const id of ids.values())
      expect((await waiter.finished('default', id)).state).toBe('completed')
    const started = await Promise.all(
      [...ids].map(async ([label, id]) => {
        const job = (await (await stack.app.request(`/v1/jobs/${id}`)).json()) as {
          startedAt: string
        }
        return [label, Date.parse(job.startedAt)] as const
      }),
    )
    const order = started.sort((a, b) => a[1] - b[1]).map(([label]) => label)
    expect(order).toEqual(['none-a', 'none-b', 'p1', 'p1-b', 'p5'])
  })
})

describe('cron runs across DST (the figures the README quotes)', () => {
  /** The next `n` runs after `fromIso` as "local time (UTC time)", as BullMQ computes them. */
  function runs(pattern: string, tz: string, fromIso: string, n: number): string[] {
    const local = new Intl.DateTimeFormat('sv-SE', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
    return nextRuns({ pattern, tz }, Date.parse(fromIso), n).map(
      (t) => `${local.format(t)} (${new Date(t).toISOString().slice(11, 16)} UTC)`,
    )
  }

  it('a daily 02:30 on the spring-forward day runs at 03:30, then at 02:30 again', () => {
    expect(runs('30 2 * * *', 'Europe/Berlin', '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28 02:30 (01:30 UTC)',
      '2026-03-29 03:30 (01:30 UTC)',
      '2026-03-30 02:30 (00:30 UTC)',
    ])
    expect(runs('30 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z', 2)).toEqual([
      '2026-03-08 03:30 (07:30 UTC)',
      '2026-03-09 02:30 (06:30 UTC)',
    ])
  })

  it('a daily 02:30 on the fall-back day runs once (the first 02:30), not twice', () => {
    expect(runs('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', 2)).toEqual([
      '2026-10-25 02:30 (00:30 UTC)',
      '2026-10-26 02:30 (01:30 UTC)',
    ])
  })

  it('an every-30-minutes schedule runs through the repeated hour in real time', () => {
    expect(runs('*/30 * * * *', 'Europe/Berlin', '2026-10-25T00:10:00Z', 4)).toEqual([
      '2026-10-25 02:30 (00:30 UTC)',
      '2026-10-25 02:00 (01:00 UTC)',
      '2026-10-25 02:30 (01:30 UTC)',
      '2026-10-25 03:00 (02:00 UTC)',
    ])
  })

  it('in UTC nothing moves', () => {
    expect(runs('30 2 * * *', 'UTC', '2026-03-28T12:00:00Z', 2)).toEqual([
      '2026-03-29 02:30 (02:30 UTC)',
      '2026-03-30 02:30 (02:30 UTC)',
    ])
  })
})
