import { describe, expect, it } from 'vitest'
import { seeded } from './random.js'
import { FAULT_KINDS, planFaults } from './schedule.js'

describe('planFaults', () => {
  const options = { seed: 42, durationMs: 120_000, workers: 2 }

  it('gives the same schedule for the same seed, another for another seed', () => {
    expect(planFaults(options)).toEqual(planFaults(options))
    expect(planFaults({ ...options, seed: 43 })).not.toEqual(planFaults(options))
  })

  it('hits every kind in a 2-minute run, inside the window, in order', () => {
    for (const seed of [1, 2, 3, 1234567]) {
      const plan = planFaults({ ...options, seed })
      expect(new Set(plan.map((f) => f.kind))).toEqual(new Set(FAULT_KINDS))
      expect(plan[0]!.atMs).toBe(5_000)
      expect(plan.at(-1)!.atMs).toBeLessThan(110_000)
      expect(plan.map((f) => f.atMs)).toEqual([...plan.map((f) => f.atMs)].sort((a, b) => a - b))
      expect(plan.every((f) => f.worker >= 0 && f.worker < 2)).toBe(true)
    }
  })
})

describe('seeded', () => {
  it('repeats per seed and stream, and differs across streams', () => {
    const draw = (seed: number, stream: number) => {
      const random = seeded(seed, stream)
      return Array.from({ length: 5 }, () => random.next())
    }
    expect(draw(7, 0)).toEqual(draw(7, 0))
    expect(draw(7, 1)).not.toEqual(draw(7, 0))
    expect(draw(7, 0).every((x) => x >= 0 && x < 1)).toBe(true)
  })
})
