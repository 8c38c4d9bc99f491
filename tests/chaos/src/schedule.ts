import { seeded, type Random } from './random.js'

/** Every kind of fault the chaos run injects. */
export const FAULT_KINDS = [
  'worker-kill9',
  'worker-sigterm',
  'pool-member-kill9',
  'pool-member-sigterm',
  'redis-kill9',
  'queue-pause',
  'producer-restart',
  // kill -9 of Redis, and a worker's SIGTERM while it is down: a stop must end even then (kind 6)
  'outage-sigterm',
] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

/** One planned fault: when (ms after the load starts), what, and its seeded parameters. */
export interface PlannedFault {
  atMs: number
  kind: FaultKind
  /** Which single worker (worker faults). */
  worker: number
  /** How long Redis stays down, the queue paused, or a killed worker stays dead (ms). */
  downMs: number
  /** Producer restarts: kill -9 or SIGTERM. */
  signal: 'SIGKILL' | 'SIGTERM'
}

/** What shapes a schedule. */
export interface ScheduleOptions {
  seed: number
  durationMs: number
  /** Single workers the harness runs (worker faults pick one). */
  workers: number
  /** No fault before this (ms): let the stack take its first jobs. @defaultValue 5000 */
  warmupMs?: number
  /** No fault starts in the last stretch, so each one's own recovery is seen. @defaultValue 10000 */
  quietEndMs?: number
  /**
   * Gap between two faults, drawn uniformly from [min, max] ms; shorter than an outage (1–4 s)
   * or a pause (0.5–5 s) at times, so faults overlap. @defaultValue [1000, 9000]
   */
  gapMs?: readonly [number, number]
}

/**
 * The faults of one run, from its seed alone (the same seed, the same schedule). Kinds come in
 * rounds, each round every kind once in a seeded order, so even a 2-minute run hits each kind at
 * least once instead of leaving coverage to luck.
 */
export function planFaults(options: ScheduleOptions): PlannedFault[] {
  const { seed, durationMs, workers } = options
  const warmupMs = options.warmupMs ?? 5_000
  const quietEndMs = options.quietEndMs ?? 10_000
  const [minGap, maxGap] = options.gapMs ?? [1_000, 9_000]
  const random = seeded(seed, 1_000)
  const plan: PlannedFault[] = []
  let round: FaultKind[] = []
  for (let at = warmupMs; at < durationMs - quietEndMs; at += random.int(minGap, maxGap)) {
    if (round.length === 0) round = random.shuffle(FAULT_KINDS)
    const kind = round.shift()!
    plan.push({
      atMs: at,
      kind,
      worker: random.int(0, workers - 1),
      downMs: downMsOf(kind, random),
      signal: random.pick(['SIGKILL', 'SIGTERM'] as const),
    })
  }
  return plan
}

/**
 * How long a fault keeps its target down. A SIGTERM during an outage gets an outage longer than
 * the grace period plus the stop margin (1.5 + 10 s), so a stop that waits for Redis is caught.
 */
function downMsOf(kind: FaultKind, random: Random): number {
  if (kind === 'outage-sigterm') return random.int(15_000, 20_000)
  if (kind === 'redis-kill9') return random.int(1_000, 4_000)
  return random.int(500, 5_000)
}
