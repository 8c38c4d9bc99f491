// Scenario 2: the producer's reads as the registry grows. `GET /v1/jobs/:id` (which must not
// grow with the number of queues), `GET /v1/queues` and `jobq info` (which read every queue).
import type { BenchContext } from '../context.js'
import { runCli, startProducer } from './children.js'
import { timeCalls, type CallFigures } from './measure.js'

export interface LookupFigures {
  queues: number
  jobById: CallFigures
  queueList: CallFigures
}

/** The producer with `queues` queues: a job in the last queue looked up by id, and the list. */
export async function lookup(
  ctx: BenchContext,
  queues: number,
  calls: number,
): Promise<LookupFigures> {
  const prefix = await ctx.freshPrefix()
  // Added with BullMQ (the bench process has a 1-queue registry); the producer reads it as its own.
  const job = await ctx.queue(`q${queues - 1}`, prefix).add(`scale.q${queues - 1}`, { p: 'x' })
  await ctx.closeQueues()
  const producer = await startProducer(ctx, prefix, queues)
  try {
    const jobById = await timeCalls(ctx.redis, calls, () => producer.get(`/v1/jobs/${job.id}`))
    const queueList = await timeCalls(ctx.redis, calls, () => producer.get('/v1/queues'))
    return { queues, jobById, queueList }
  } finally {
    await producer.stop()
  }
}

/** `jobq info --json` with `queues` queues: wall time of the whole command (Node start included). */
export async function cliInfo(ctx: BenchContext, queues: number, runs: number) {
  const prefix = await ctx.freshPrefix()
  return timeCalls(ctx.redis, runs, () => runCli(ctx, prefix, queues, ['info', '--json']), 1)
}
