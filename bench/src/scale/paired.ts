// Running a measure for both sides, round after round, alternating who goes first (drift on a
// busy machine then falls on both alike).
import type { Side } from './children.js'

export async function bothSides<T>(rounds: number, measure: (side: Side) => Promise<T>) {
  const jobq: T[] = []
  const bullmq: T[] = []
  for (let round = 0; round < rounds; round++) {
    const order: Side[] = round % 2 === 0 ? ['jobq', 'bullmq'] : ['bullmq', 'jobq']
    for (const side of order) (side === 'jobq' ? jobq : bullmq).push(await measure(side))
  }
  return { jobq, bullmq }
}

/** `measure` run `rounds` times in a row. */
export async function repeat<T>(rounds: number, measure: (round: number) => Promise<T>) {
  const values: T[] = []
  for (let round = 0; round < rounds; round++) values.push(await measure(round))
  return values
}
