// What a checkpoint costs (issue 19, README "Long jobs"): one job saving a ~1 KB checkpoint
// `saves` times, each save timed inside the handler, on a private redis-server; 3 rounds, the
// median round reported. Run: `pnpm build && pnpm --filter @jobq/bench checkpoint-cost`.
import { z } from 'zod'
import {
  createLogger,
  createOperations,
  createRedis,
  createRegistry,
  defineJob,
  defineQueue,
  startWorker,
  type HandlerOf,
} from '@jobq/queue-core'
import { startRedisServer } from '@jobq/queue-core/redis-server'

const SAVES = 2_000
const BYTES = 1_024

const saver = defineJob({
  name: 'bench.saver',
  queue: 'bench',
  input: z.object({ saves: z.number().int(), bytes: z.number().int() }),
  output: z.object({ medianMs: z.number(), p99Ms: z.number(), savesPerSecond: z.number() }),
  checkpoint: z.object({ index: z.number().int(), pad: z.string() }),
  // Annotated: the handler's type comes from this definition (the TS7022 trap of STYLE.md 2.4).
  handler: (): Promise<unknown> => Promise.resolve({ default: run }),
})

const run: HandlerOf<typeof saver> = async ({ saves, bytes }, ctx) => {
  const pad = 'x'.repeat(bytes - 30)
  const times: number[] = []
  const started = performance.now()
  for (let index = 0; index < saves; index++) {
    const t = performance.now()
    await ctx.checkpoint({ index, pad })
    times.push(performance.now() - t)
  }
  const elapsed = performance.now() - started
  times.sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0
  return { medianMs: at(0.5), p99Ms: at(0.99), savesPerSecond: (saves / elapsed) * 1_000 }
}

/** One round's figures, as the handler answers them. */
type Round = z.output<typeof saver.output>

const registry = createRegistry({ queues: [defineQueue({ name: 'bench' })], jobs: [saver] })
const server = await startRedisServer()
const target = { kind: 'standalone' as const, url: server.url }
const logger = createLogger({ level: 'silent' })
const producer = createOperations({
  registry,
  connection: createRedis({ target, role: 'producer' }),
})
const worker = await startWorker({
  registry,
  connection: createRedis({ target, role: 'worker' }),
  logger,
})
try {
  const rounds: Round[] = []
  for (let round = 0; round < 3; round++) {
    const { id } = await producer.jobs.enqueue('bench.saver', { saves: SAVES, bytes: BYTES })
    for (;;) {
      const job = await producer.jobs.get(id)
      if (job.state === 'completed') {
        rounds.push(job.result as Round)
        break
      }
      if (job.state === 'failed') throw new Error(job.failedReason ?? 'failed')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  rounds.sort((a, b) => a.medianMs - b.medianMs)
  const median = rounds[1]!
  console.log(JSON.stringify({ saves: SAVES, bytes: BYTES, rounds, median }, null, 2))
} finally {
  await worker.close()
  await producer.close()
  await server.stop()
}
