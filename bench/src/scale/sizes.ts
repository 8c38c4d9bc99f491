// How big each scale scenario runs. `--scale-size=small` is for development on a busy machine
// (a minute or two); `full` (the default) is what RESULTS.md reports.
export interface ScaleSizes {
  rounds: number
  /** Jobs stored per payload size in the memory scenario (≤ the completed retention, 10,000). */
  memoryJobs: number
  payloadBytes: number[]
  /** Registry sizes for `GET /v1/jobs/:id`. */
  registryQueues: number[]
  /** Sequential requests per measurement. */
  calls: number
  /** Queues served by one worker process in the idle scenario. */
  workerQueues: number[]
  idleSeconds: number
  /** Waiting jobs in the listing scenario: the first is the reference size. */
  backlog: number[]
  /** Jobs enqueued, then drained, per process count. */
  throughputJobs: number
  processes: number[]
}

const full: ScaleSizes = {
  rounds: 3,
  memoryJobs: 2_000,
  payloadBytes: [100, 10_000, 100_000],
  registryQueues: [1, 10, 100],
  calls: 300,
  workerQueues: [1, 10, 50],
  // Past two of the 5 s cycles (BullMQ's blocking-read timeout, jobq's heartbeat): a shorter
  // window may see none of the blocked reads return.
  idleSeconds: 11,
  backlog: [10_000, 1_000_000],
  throughputJobs: 40_000,
  processes: [1, 2, 4],
}

const small: ScaleSizes = {
  ...full,
  rounds: 1,
  memoryJobs: 200,
  calls: 50,
  workerQueues: [1, 10],
  idleSeconds: 6,
  backlog: [1_000, 20_000],
  throughputJobs: 4_000,
  processes: [1, 2],
}

export function scaleSizes(argv: readonly string[]): ScaleSizes {
  const size = argv.find((arg) => arg.startsWith('--scale-size='))?.slice('--scale-size='.length)
  return size === 'small' ? small : full
}
