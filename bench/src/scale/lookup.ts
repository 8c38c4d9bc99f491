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
  const producer = await startProducer(ctx, prefix, queues)
  try {
    // Enqueued by the producer: its id carries its queue's hint (job-id.ts), as every id jobq
    // makes does.
    const job = (await producer.post(`/v1/jobs/scale.q${queues - 1}`, { data: { p: 'x' } })) as {
      id: string
    }
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
