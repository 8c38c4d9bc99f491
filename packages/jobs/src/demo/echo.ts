import { defineJob } from '@jobq/queue-core'
import { z } from 'zod'

/** Returns its input: the smallest possible job, for smoke tests and benchmarks. */
export const echo = defineJob({
  name: 'demo.echo',
  queue: 'default',
  description: 'returns { echo: data }',
  input: z.json(),
  output: z.object({ echo: z.json() }),
  handler: () => import('./echo.handler.js'),
})
