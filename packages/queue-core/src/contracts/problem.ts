import { z } from 'zod'

/** One schema issue of a refused request: where (`data.ms`, `items.3.data`) and what is wrong. */
export const ValidationIssue = z.object({ path: z.string(), message: z.string() })
export type ValidationIssue = z.output<typeof ValidationIssue>

/**
 * An RFC 9457 problem document, the body of every error the HTTP API answers
 * (`application/problem+json`). `type` is `/problems/<kind>`, e.g. `/problems/unknown-queue`.
 */
export const Problem = z
  .object({
    type: z.string().meta({ example: '/problems/validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(ValidationIssue).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' })
export type Problem = z.infer<typeof Problem>
