import { defineJob } from '@jobq/queue-core'
import { z } from 'zod'

/** Summarizes a series of numbers: the reports project's first job. */
export const summarize = defineJob({
  name: 'reports.summarize',
  queue: 'reports',
  description: 'count, sum, mean, min and max of a series',
  input: z.object({
    title: z.string().min(1).max(200),
    values: z.array(z.number()).min(1).max(100_000),
  }),
  output: z.object({
    title: z.string(),
    count: z.number(),
    sum: z.number(),
    mean: z.number(),
    min: z.number(),
    max: z.number(),
    pid: z.number(),
  }),
  options: { attempts: 2, timeoutMs: 60_000 },
  handler: () => import('./summarize.handler.js'),
})
