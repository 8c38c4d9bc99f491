import { startChild } from '../child.js'
import type { BenchContext } from '../context.js'
import { drained, fill, workerScript, type Mode } from './drain.js'

/** Worker RSS (MiB) idle, halfway and after `count` jobs, each after a full GC. */
export async function workerMemory(ctx: BenchContext, mode: Mode, count: number) {
  const prefix = await ctx.freshPrefix()
  const worker = startChild(
    workerScript(ctx, mode),
    ['10'],
    { REDIS_URL: ctx.redisUrl, JOBQ_PREFIX: prefix },
    ['--expose-gc'],
  )
  const settledRss = async () => {
    worker.send({ type: 'gc' })
    await worker.next('gc-done')
    return worker.rssMiB()
  }
  try {
    await worker.next('ready')
    const idle = await settledRss()
    const half = Math.floor(count / 2)
    await drained(await fill(ctx, prefix, half))
    const halfway = await settledRss()
    await drained(await fill(ctx, prefix, count - half, half))
    const after = await settledRss()
    return { idle, halfway, after }
  } finally {
    await worker.stop()
  }
}
