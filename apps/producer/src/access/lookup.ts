import { problemOf, type Operations } from '@jobq/queue-core'
import type { AppRegistry } from '@jobq/jobs'
import type { QueueLookup } from './target.js'

/**
 * Finds queues for the guards: a job name by the registry, a job id by reading the job (only
 * for queue-limited tokens). An id that names no job (or no job id at all) has no queue: the
 * route answers its own 404 or 400; Redis away is thrown (503), never read as "no queue".
 */
export function lookupOf(producer: Operations, registry: AppRegistry): QueueLookup {
  return {
    ofJob: (name) => registry.job(name)?.queue,
    async ofId(id) {
      try {
        return (await producer.jobs.get(id)).queue
      } catch (err) {
        const problem = problemOf(err)
        if (problem && problem.status < 500) return undefined
        throw err
      }
    },
  }
}
