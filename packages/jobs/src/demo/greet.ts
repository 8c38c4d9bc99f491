import { defineJob, olderVersion } from '@jobq/queue-core'
import { z } from 'zod'

/**
 * Greets someone: the living example of a payload that changed (README, "Changing a job's
 * payload"). Version 1 took `{ name }`; version 2 takes `{ firstName, lastName }`. A version 1
 * job (enqueued before the change, or by a producer that still sends `options.version: 1`) is
 * upcast by the worker before the handler, which only knows version 2, sees it.
 */
export const greet = defineJob({
  name: 'demo.greet',
  queue: 'default',
  description: 'greets { firstName, lastName } (version 1: { name })',
  version: 2,
  input: z.object({
    firstName: z.string().min(1).max(200),
    lastName: z.string().max(200).default(''),
  }),
  output: z.object({ greeting: z.string() }),
  olderVersions: {
    1: olderVersion(z.object({ name: z.string().min(1).max(400) }), ({ name }) => {
      // "Ada Lovelace" → Ada + Lovelace; a single word is a first name.
      const [firstName = name, ...rest] = name.trim().split(/\s+/)
      return { firstName, lastName: rest.join(' ') }
    }),
  },
  handler: () => import('./greet.handler.js'),
})
