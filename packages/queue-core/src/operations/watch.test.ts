import { describe, expect, it } from 'vitest'
import type { JobView } from '../job-view.js'
import type { WatchEvent } from './job-events.js'
import { finalEventOf, watchEvents } from './watch.js'

/** A job as a read answers it; only the fields the watch looks at matter. */
const job = (fields: Partial<JobView>) => fields as JobView

/** Feeds raw events through a watch and resolves with what the watcher got, once `count` came. */
function watch(readJob: () => Promise<JobView>, count: number) {
  const got: WatchEvent[] = []
  const errors: unknown[] = []
  let done: () => void
  const finished = new Promise<void>((resolve) => (done = resolve))
  const check = () => got.length + errors.length === count && done()
  const listener = watchEvents(
    readJob,
    (event) => (got.push(event), check()),
    (err) => (errors.push(err), check()),
  )
  return { listener, got, errors, finished }
}

describe('watchEvents: one decision of "is this failure final", in event order', () => {
  it('a failed attempt with attempts left is retrying; the last one is failed', async () => {
    const states = ['active', 'failed'] as const
    let reads = 0
    const w = watch(async () => job({ state: states[reads++], attemptsMade: reads }), 2)
    w.listener({ type: 'failed', reason: 'boom 1' })
    w.listener({ type: 'failed', reason: 'boom 2' })
    await w.finished
    expect(w.got).toEqual([
      { type: 'retrying', reason: 'boom 1', attemptsMade: 1 },
      { type: 'failed', reason: 'boom 2' },
    ])
  })

  it('keeps the order when an early event needs a slow read and later ones need none', async () => {
    let release!: () => void
    const slow = new Promise<void>((resolve) => (release = resolve))
    const w = watch(async () => (await slow, job({ state: 'delayed', attemptsMade: 1 })), 3)
    w.listener({ type: 'failed', reason: 'first' })
    w.listener({ type: 'progress', progress: 50 })
    w.listener({ type: 'completed', result: { ok: true } })
    release()
    await w.finished
    expect(w.got.map((event) => event.type)).toEqual(['retrying', 'progress', 'completed'])
  })

  it('replaces a big result marker with the whole result read from the job', async () => {
    const marker = { $jobqResult: { chars: 20_000 } }
    const w = watch(async () => job({ state: 'completed', result: 'x'.repeat(20_000) }), 1)
    w.listener({ type: 'completed', result: marker })
    await w.finished
    expect(w.got).toEqual([{ type: 'completed', result: 'x'.repeat(20_000) }])
  })

  it('reports a failed read to onError and goes on with the events after it', async () => {
    let reads = 0
    const w = watch(async () => {
      if (reads++ === 0) throw new Error('redis away')
      return job({ state: 'failed' })
    }, 3)
    w.listener({ type: 'failed', reason: 'a' })
    w.listener({ type: 'progress', progress: 1 })
    w.listener({ type: 'failed', reason: 'b' })
    await w.finished
    expect(w.errors).toEqual([new Error('redis away')])
    expect(w.got).toEqual([
      { type: 'progress', progress: 1 },
      { type: 'failed', reason: 'b' },
    ])
  })
})

describe('finalEventOf', () => {
  it('names the end a finished job stands for, and nothing for one still going', () => {
    expect(finalEventOf(job({ state: 'completed', result: 3 }))).toEqual({
      type: 'completed',
      result: 3,
    })
    expect(finalEventOf(job({ state: 'failed', failedReason: 'no' }))).toEqual({
      type: 'failed',
      reason: 'no',
    })
    expect(finalEventOf(job({ state: 'active' }))).toBeUndefined()
  })
})
