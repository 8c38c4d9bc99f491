import type { JobType } from 'bullmq'

/**
 * The states a caller sees. BullMQ keeps prioritized jobs apart from the wait list; to a caller
 * both are simply waiting, so one public state covers both.
 */
export const JOB_STATES = [
  'waiting',
  'delayed',
  'active',
  'completed',
  'failed',
  'waiting-children',
] as const
export type JobState = (typeof JOB_STATES)[number]

/** The BullMQ lists/sets behind each public state. */
export const BULLMQ_TYPES: Record<JobState, JobType[]> = {
  waiting: ['wait', 'prioritized'],
  delayed: ['delayed'],
  active: ['active'],
  completed: ['completed'],
  failed: ['failed'],
  'waiting-children': ['waiting-children'],
}

/** Maps what `job.getState()` answers to the public state. */
export function toPublicState(state: string): JobState | undefined {
  if (state === 'wait' || state === 'waiting' || state === 'prioritized') return 'waiting'
  return (JOB_STATES as readonly string[]).includes(state) ? (state as JobState) : undefined
}
