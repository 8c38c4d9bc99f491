import { describe, expect, it } from 'vitest'
import { eventually } from './eventually.js'

describe('eventually', () => {
  it('returns the first value that passes the check', async () => {
    let n = 0
    await expect(
      eventually(
        () => ++n,
        (v) => v >= 3,
        { intervalMs: 1 },
      ),
    ).resolves.toBe(3)
  })

  it('waits for a truthy value when given no check', async () => {
    let n = 0
    await expect(eventually(() => (++n >= 2 ? 'ready' : ''), undefined, 1_000)).resolves.toBe(
      'ready',
    )
  })

  it('on timeout, says what it waited for and the last value it read', async () => {
    const read = () => ({ state: 'active', attempts: 2 })
    await expect(
      eventually(read, (job) => job.state === 'completed', {
        what: 'job 7 to complete',
        timeoutMs: 60,
        intervalMs: 10,
      }),
    ).rejects.toThrow(
      "timed out after 60 ms waiting for job 7 to complete; last value: { state: 'active', attempts: 2 }",
    )
  })

  it('without `what`, quotes the check (or the read) it was given', async () => {
    await expect(
      eventually(
        () => 1,
        (n) => n > 5,
        30,
      ),
    ).rejects.toThrow(/waiting for \(n\) => n > 5; last value: 1$/)
  })

  it('treats a read that throws as "not yet", and reports the last error', async () => {
    let n = 0
    const flaky = () => {
      if (++n < 3) throw new Error('ECONNREFUSED')
      return n
    }
    await expect(eventually(flaky, (v) => v === 3, { intervalMs: 1 })).resolves.toBe(3)
    await expect(
      eventually(
        () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:1')),
        () => true,
        { what: 'a port', timeoutMs: 30 },
      ),
    ).rejects.toThrow('waiting for a port; last error: ECONNREFUSED 127.0.0.1:1')
  })
})
