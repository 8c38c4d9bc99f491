import { defineQueue } from '@jobq/queue-core'

/** Quick, general work. */
export const defaultQueue = defineQueue({
  name: 'default',
  description: 'quick, general jobs',
  concurrency: 10,
})

/** Jobs that need the big preloaded file (`000_*`): one at a time per process, like RQ. */
export const bigFileQueue = defineQueue({
  name: 'big_file',
  description: 'jobs that use the big file each worker preloads at boot',
  concurrency: 1,
})
