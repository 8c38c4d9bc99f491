import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { Logger } from '@jobq/queue-core'
import { runPool } from '@jobq/queue-core/worker'

const crashAtOnce = fileURLToPath(new URL('./fixtures/crash-at-once.mjs', import.meta.url))

describe('runPool', () => {
  it('restarts a process that keeps dying young with a doubling, capped delay', async () => {
    const restarts: { index: number; code: number; restartInMs: number }[] = []
    const stop = new AbortController()
    const logger = {
      info: () => {},
      warn: (fields: { index: number; code: number; restartInMs: number }) => {
        restarts.push(fields)
        if (restarts.length === 5) stop.abort()
      },
    } as unknown as Logger
    const code = await runPool({
      processes: 1,
      script: crashAtOnce,
      args: [],
      envOf: () => ({}),
      logger,
      restartDelayMs: 20,
      maxRestartDelayMs: 100,
      stopSignal: stop.signal,
    })
    expect(code).toBe(0)
    expect(restarts.map((r) => r.restartInMs)).toEqual([20, 40, 80, 100, 100])
    expect(restarts.every((r) => r.index === 0 && r.code === 7)).toBe(true)
  })
})
