import { z } from 'zod'
import { JOB_STATES } from '../job-state.js'

/**
 * The states a caller sees (BullMQ's prioritized jobs are `waiting`). Its own module, so the queue contracts the operations load (and with
 * them every process that imports queue-core) do not evaluate every job contract.
 */
export const JobState = z.enum(JOB_STATES).meta({ id: 'JobState' })
export type JobState = z.output<typeof JobState>
