import { z } from 'zod'

/** A queue as the registry declares it. */
export const QueueDefinitionView = z.object({
  name: z.string(),
  description: z.string().optional(),
  concurrency: z.number().int().optional(),
  limiter: z.object({ max: z.number(), duration: z.number() }).optional(),
  sandbox: z.boolean().optional(),
})
export type QueueDefinitionView = z.output<typeof QueueDefinitionView>

/** A job definition as `GET /v1/registry` answers it, with JSON Schemas of its input and output. */
export const JobDefinitionView = z.object({
  name: z.string(),
  queue: z.string(),
  description: z.string().nullable(),
  options: z.record(z.string(), z.unknown()).describe('the definition’s default job options'),
  input: z.record(z.string(), z.unknown()).describe('JSON Schema of `data` (the current version)'),
  version: z
    .number()
    .int()
    .min(1)
    .describe("the payload version `input` describes: the job's current one (1 without versions)"),
  olderInputs: z
    .record(z.string(), z.record(z.string(), z.unknown()))
    .describe(
      "JSON Schema of each older version's `data`, by version number (`options.version` sends " +
        'one); empty for a job without versions',
    ),
  output: z.record(z.string(), z.unknown()).describe('JSON Schema of `result`'),
  search: z
    .array(z.string())
    .describe(
      'the input fields declared searchable (`GET /v1/jobs?name=&<field>=`); empty for none',
    ),
})
export type JobDefinitionView = z.output<typeof JobDefinitionView>

/** Every queue and job definition (`GET /v1/registry`). */
export const RegistryView = z.object({
  queues: z.array(QueueDefinitionView),
  jobs: z.array(JobDefinitionView),
})
export type RegistryView = z.output<typeof RegistryView>
