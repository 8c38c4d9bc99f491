// Scenario 4: listing and counting with a big backlog. The producer's `GET /v1/queues`, the
// first page and a deep page of `GET /v1/queues/q0/jobs?state=waiting`, and `/metrics` (the
// backlog gauge), at a reference size and at 1,000,000 waiting jobs: latency, and the commands
// per call (a read of every job would show as N hash reads).
import type { BenchContext } from '../context.js'
import { startProducer } from './children.js'
import { timeCalls, type CallFigures } from './measure.js'

/** Jobs written per script call (also under Lua's unpack limit for the LPUSH). */
const CHUNK = 5_000

/**
 * Writes jobs ids from..to as BullMQ stores a waiting job (a hash with name, data, opts,
 * timestamp; the id pushed on the wait list), inside Redis: 1M jobs in seconds, not minutes.
 */
const FILL = `
local ids = {}
for id = tonumber(ARGV[1]), tonumber(ARGV[2]) do
  redis.call('HSET', KEYS[1] .. id, 'name', ARGV[3], 'data', ARGV[4], 'opts', '{}',
    'timestamp', ARGV[5], 'delay', '0', 'priority', '0')
  ids[#ids + 1] = tostring(id)
end
redis.call('LPUSH', KEYS[2], unpack(ids))
redis.call('SET', KEYS[3], ARGV[2])
`

async function fillWaiting(ctx: BenchContext, prefix: string, count: number) {
  const key = (suffix: string) => `${prefix}:q0:${suffix}`
  for (let from = 1; from <= count; from += CHUNK) {
    const to = Math.min(count, from + CHUNK - 1)
    const args = [from, to, 'scale.q0', '{"p":"x"}', Date.now()]
    await ctx.redis.eval(FILL, 3, key(''), key('wait'), key('id'), ...args)
  }
}

export interface BacklogFigures {
  queues: CallFigures
  firstPage: CallFigures
  deepPage: CallFigures
  metrics: CallFigures
}

/** The four reads with `count` jobs waiting in q0; the deep page is the list's middle (slowest). */
export async function backlogReads(
  ctx: BenchContext,
  count: number,
  calls: number,
): Promise<BacklogFigures> {
  const prefix = await ctx.freshPrefix()
  await fillWaiting(ctx, prefix, count)
  const producer = await startProducer(ctx, prefix, 1)
  const time = (path: string) => timeCalls(ctx.redis, calls, () => producer.get(path))
  const page = '/v1/queues/q0/jobs?state=waiting&limit=50'
  try {
    return {
      queues: await time('/v1/queues'),
      firstPage: await time(page),
      deepPage: await time(`${page}&offset=${Math.floor(count / 2)}`),
      metrics: await time('/metrics'),
    }
  } finally {
    await producer.stop()
  }
}
