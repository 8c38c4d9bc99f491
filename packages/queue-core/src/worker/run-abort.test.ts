import { describe, expect, it } from 'vitest'
import { RunAbort } from './run-abort.js'

// One run's abort: what a handler sees through `ctx.signal` and what the worker's race against
// the handler answers, whichever of "abort" and "read the signal" comes first.
describe('RunAbort', () => {
  it('is not aborted until abort() is called, and makes no signal until one is read', () => {
    const run = new RunAbort()
    expect(run.aborted).toBe(false)
    expect(run.reason).toBeUndefined()
    expect(run.signal.aborted).toBe(false)
  })

  it('keeps the first reason: a timeout after a cancel stays a cancel', () => {
    const run = new RunAbort()
    const cancel = new Error('cancelled')
    run.abort(cancel)
    run.abort(new Error('job timed out after 200 ms'))
    expect(run.aborted).toBe(true)
    expect(run.reason).toBe(cancel)
    expect(run.signal.reason).toBe(cancel)
  })

  it('aborts a signal read before the abort, with the reason', () => {
    const run = new RunAbort()
    const signal = run.signal
    const seen: unknown[] = []
    signal.addEventListener('abort', () => seen.push(signal.reason))
    run.abort('shutdown')
    expect(signal.aborted).toBe(true)
    expect(seen).toEqual(['shutdown'])
    expect(run.signal).toBe(signal) // one signal per run
  })

  it('hands a signal read after the abort already aborted, with the same reason', () => {
    const run = new RunAbort()
    run.abort('shutdown')
    expect(run.signal.aborted).toBe(true)
    expect(run.signal.reason).toBe('shutdown')
  })

  it('race settles with the work when nothing aborts it', async () => {
    const run = new RunAbort()
    await expect(run.race(Promise.resolve(42))).resolves.toBe(42)
    await expect(run.race(Promise.reject(new Error('handler threw')))).rejects.toThrow(
      'handler threw',
    )
  })

  it('race rejects with the abort reason as soon as the run is aborted, even if work never ends', async () => {
    const run = new RunAbort()
    const reason = new Error('cancelled')
    const raced = run.race(new Promise<never>(() => {}))
    run.abort(reason)
    await expect(raced).rejects.toBe(reason)
  })

  it('race rejects with "aborted" when the reason is not an Error', async () => {
    const run = new RunAbort()
    const raced = run.race(new Promise<never>(() => {}))
    run.abort('shutdown')
    await expect(raced).rejects.toThrow(/^aborted$/)
  })

  it('race on an already aborted run rejects at once and swallows the work’s own rejection', async () => {
    const run = new RunAbort()
    const reason = new Error('cancelled')
    run.abort(reason)
    const unhandled: unknown[] = []
    const onUnhandled = (err: unknown) => unhandled.push(err)
    process.on('unhandledRejection', onUnhandled)
    try {
      // A handler honouring the aborted signal rejects too; nobody awaits it.
      await expect(run.race(Promise.reject(new Error('honoured the signal')))).rejects.toBe(reason)
      await new Promise((resolve) => setImmediate(resolve))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
