import type { z } from 'zod'
import type { Logger } from './logger.js'

/** Job names are `"<project>.<job>"`: lower-case words joined by `-`, one dot. */
export const JOB_NAME_PATTERN = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/

/** Retry and timing defaults of a job, overridable per enqueue where noted. */
export interface JobDefaults {
  /** Tries in all, the first included. @defaultValue 1 */
  attempts?: number
  /** Wait between tries. */
  backoff?: { type: 'fixed' | 'exponential'; delay: number }
  /** Abort the handler's `signal` and fail the attempt after this long. */
  timeoutMs?: number
  /** Lower runs first (BullMQ semantics); 0 means no priority. */
  priority?: number
}

/** What {@link defineJob} takes. */
export interface JobDefinition<
  Name extends string = string,
  Queue extends string = string,
  Input extends z.ZodType = z.ZodType,
  Output extends z.ZodType = z.ZodType,
> {
  /** `"<project>.<job>"`, unique in the registry. */
  name: Name
  /** The queue its jobs go to; declared with {@link defineQueue}. */
  queue: Queue
  /** One line for docs and `--help`. */
  description?: string
  /** Validated on enqueue and again in the worker. */
  input: Input
  /** Validated on the handler's return value. */
  output: Output
  options?: JobDefaults
  /**
   * Loads the handler module. Typed loosely on purpose: typing it from the module while the
   * module types itself from this definition is a cycle (TS7022). The worker checks the module at
   * load time, and the handler file checks itself with {@link HandlerOf}.
   */
  handler: () => Promise<unknown>
}

/** Any job definition, whatever its schemas. */
export type AnyJobDefinition = JobDefinition<string, string, z.ZodType, z.ZodType>

/** Declares a job. The definition is plain data: importing it never loads the handler. */
export function defineJob<
  const Name extends string,
  const Queue extends string,
  Input extends z.ZodType,
  Output extends z.ZodType,
>(
  definition: JobDefinition<Name, Queue, Input, Output>,
): JobDefinition<Name, Queue, Input, Output> {
  if (!JOB_NAME_PATTERN.test(definition.name)) {
    throw new TypeError(
      `job name "${definition.name}" must look like "<project>.<job>", e.g. "media.resize"`,
    )
  }
  return Object.freeze({ ...definition })
}

/** What {@link defineQueue} takes. */
export interface QueueDefinition<Name extends string = string> {
  /** A plain word: lower-case letters, digits, `_` and `-`. */
  name: Name
  description?: string
  /** Jobs one worker process runs at once on this queue. @defaultValue 1 */
  concurrency?: number
  /** At most `max` jobs per `duration` ms across all workers of the queue. */
  limiter?: { max: number; duration: number }
}

/** Queue names are plain words; BullMQ keys forbid `:` and we keep them shell-friendly. */
export const QUEUE_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/

/** Declares a queue. */
export function defineQueue<const Name extends string>(
  definition: QueueDefinition<Name>,
): QueueDefinition<Name> {
  if (!QUEUE_NAME_PATTERN.test(definition.name)) {
    throw new TypeError(
      `queue name "${definition.name}" must be a plain word (a-z, 0-9, _ and -), e.g. "emails"`,
    )
  }
  return Object.freeze({ ...definition })
}

/** The `ctx` every handler receives beside its input. */
export interface HandlerContext<Setup = undefined> {
  jobId: string
  jobName: string
  queue: string
  /** 1 on the first try. */
  attempt: number
  /** Aborted on timeout, cancel, or a shutdown that ran out of grace. */
  signal: AbortSignal
  /** Reports progress: a percentage or any JSON object. */
  progress: (value: number | object) => Promise<void>
  /** A logger bound to this job. */
  log: Logger
  /** What the handler module's `setup()` returned in this process. */
  setup: Setup
}

/** The type of a handler: `const run: HandlerOf<typeof sleep> = async (input, ctx) => ...`. */
export type HandlerOf<Definition extends AnyJobDefinition, Setup = undefined> = (
  input: z.output<Definition['input']>,
  ctx: HandlerContext<Setup>,
) => Promise<z.input<Definition['output']>>

/** What the input of a job looks like to a caller (defaults still optional). */
export type InputOf<Definition extends AnyJobDefinition> = z.input<Definition['input']>

/** What a finished job's result looks like. */
export type OutputOf<Definition extends AnyJobDefinition> = z.output<Definition['output']>
