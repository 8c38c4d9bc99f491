// The scale scenarios' registry: JOBQ_SCALE_QUEUES queues (`q0`, `q1`, …), one job each
// (`scale.q0`, …) that returns its payload. Built at import from the environment, so the real
// producer, CLI and worker processes can load it in place of @jobq/jobs (see hooks.ts).
import { z } from 'zod'
import { createRegistry, defineJob, defineQueue } from '@jobq/queue-core'

const count = Number(process.env.JOBQ_SCALE_QUEUES ?? 1)
const names = Array.from({ length: count }, (_, i) => `q${i}`)

/** Jobs carry a payload string; the result is the same string (memory: a result of its size). */
const jobOf = (queue: string) =>
  defineJob({
    name: `scale.${queue}`,
    queue,
    input: z.object({ p: z.string() }),
    output: z.object({ p: z.string() }),
    handler: () => import('./echo.handler.js'),
  })

export const registry = createRegistry({
  queues: names.map((name) => defineQueue({ name, concurrency: 1 })),
  jobs: names.map(jobOf),
})
