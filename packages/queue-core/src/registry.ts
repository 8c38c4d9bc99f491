import type { AnyJobDefinition, QueueDefinition } from './define-job.js'

/** Maps each job's name to its definition, so a name selects its input and output types. */
export type JobsByName<Jobs extends readonly AnyJobDefinition[]> = {
  [J in Jobs[number] as J['name']]: J
}

/** The set of jobs and queues a deployment knows. */
export interface Registry<Jobs extends readonly AnyJobDefinition[] = readonly AnyJobDefinition[]> {
  /** Definitions by job name. */
  readonly jobs: JobsByName<Jobs>
  /** Queue definitions by queue name. */
  readonly queues: Readonly<Record<string, QueueDefinition>>
  /** Queue names in declaration order. */
  readonly queueNames: readonly string[]
  /** The definition of `name`, or undefined. */
  job(name: string): AnyJobDefinition | undefined
  /** Every job definition. */
  all(): readonly AnyJobDefinition[]
  /** The jobs that go to `queue`. */
  jobsOf(queue: string): readonly AnyJobDefinition[]
}

/** Any registry, whatever its jobs. */
export type AnyRegistry = Registry<readonly AnyJobDefinition[]>

/**
 * Builds the registry and checks it: job names unique, every job's queue declared. A mistake
 * here fails at import time, before any process serves a request or takes a job.
 */
export function createRegistry<const Jobs extends readonly AnyJobDefinition[]>(input: {
  queues: readonly QueueDefinition[]
  jobs: Jobs
}): Registry<Jobs> {
  const queues: Record<string, QueueDefinition> = {}
  for (const queue of input.queues) {
    if (queues[queue.name]) throw new TypeError(`queue "${queue.name}" is declared twice`)
    queues[queue.name] = queue
  }
  const byName = new Map<string, AnyJobDefinition>()
  for (const job of input.jobs) {
    if (byName.has(job.name)) throw new TypeError(`job "${job.name}" is defined twice`)
    if (!queues[job.queue]) {
      throw new TypeError(
        `job "${job.name}" uses queue "${job.queue}", which is not declared: add defineQueue({ name: '${job.queue}' }) to the registry`,
      )
    }
    byName.set(job.name, job)
  }
  const all = [...byName.values()]
  return {
    jobs: Object.fromEntries(byName) as JobsByName<Jobs>,
    queues,
    queueNames: Object.keys(queues),
    job: (name) => byName.get(name),
    all: () => all,
    jobsOf: (queue) => all.filter((job) => job.queue === queue),
  }
}
