import type { z } from 'zod'
import { checkDedupe, type JobDedupe } from './dedupe.js'
import type { Logger } from './logger.js'
import { checkSchedulePolicy, type MissedPolicy, type OverlapPolicy } from './schedule-policy.js'
import { checkSearch, type SearchFields } from './search-fields.js'
import { checkVersions, type OlderVersions } from './versions.js'

/** Job names are `"<project>.<job>"`: lower-case words joined by `-`, one dot. */
const JOB_NAME_PATTERN = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/

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
  Older extends OlderVersions = OlderVersions,
  Checkpoint extends z.ZodType = z.ZodType,
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
  /**
   * The current version of `input` (an integer; 1 when absent, and then jobs carry no version
   * stamp). Raise it when `input` changes in a way older payloads would not pass, and declare
   * the version before in `olderVersions` (see versions.ts and the README's "Changing a job's
   * payload").
   */
  version?: number
  /** Each version before `version`: its input schema and an upcaster to the next (`olderVersion`). */
  olderVersions?: Older
  options?: JobDefaults
  /**
   * Run this job on a cron schedule: upserted as a BullMQ job scheduler (id `jobq.<name>`) when
   * a worker of its queue boots, and removed by the next boot once the definition drops it.
   */
  schedule?: JobSchedule
  /**
   * Flow control per key (`operations/groups.ts`): jobs with the same `key(input)` run at most
   * `concurrency` at once, and start at most `rate.max` times per `rate.durationMs`, across all
   * workers; keys are served in turn. Unset: the job takes the plain path.
   */
  group?: JobGroup<z.output<Input>>
  /**
   * Folds enqueues with equal keys: drop duplicates, throttle or debounce (see `JobDedupe`,
   * README "Dedupe, debounce and throttle"). Checked here: a bad one throws a TypeError.
   */
  dedupe?: JobDedupe<z.output<Input>>
  /**
   * Input fields to index at enqueue, so `GET /v1/jobs?name=…&<field>=…` finds jobs by them
   * (README "Search"): keys of a `z.object` input; values are normalised (`searchValueOf`).
   * Unset: the job pays nothing. Refused here: a field the input does not declare.
   */
  search?: SearchFields<z.output<Input>>
  /**
   * The schema of the handler's checkpoints (`ctx.checkpoint`, `ctx.resume`; README "Long
   * jobs"): a save that fails it is refused. Unset: any JSON value.
   */
  checkpoint?: Checkpoint
  /**
   * Loads the handler module. Typed loosely on purpose: typing it from the module while the
   * module types itself from this definition is a cycle (TS7022). The worker checks the module at
   * load time, and the handler file checks itself with {@link HandlerOf}.
   */
  handler: () => Promise<unknown>
}

/** A cron schedule on a job definition. */
export interface JobSchedule {
  /** Cron pattern, e.g. `0 3 * * *`; with six fields the first is seconds. */
  pattern: string
  /** IANA time zone of the pattern. @defaultValue the worker's */
  tz?: string
  /** The input of every scheduled run; validated against `input` when the worker boots. */
  data?: unknown
  /** Runs after ticks passed unserved (README "Schedule policies"). @defaultValue `'once'` */
  missed?: MissedPolicy
  /** A tick while the previous run is still active. @defaultValue `'allow'` */
  overlap?: OverlapPolicy
}

/** Per-key flow control on a job definition: {@link JobDefinition.group}. */
export interface JobGroup<Input = unknown> {
  /**
   * The key of a job's group, from its parsed input (e.g. `(input) => input.tenant`): a
   * non-empty string of at most 200 characters, else the enqueue is refused (400).
   */
  key(input: Input): string
  /** Jobs of one key active (or about to be) at once, across all workers; at least 1. */
  concurrency: number
  /** At most `max` starts of one key per sliding window of `durationMs` ms. */
  rate?: { max: number; durationMs: number }
}

/** Any job definition, whatever its schemas. */
export type AnyJobDefinition = JobDefinition<string, string, z.ZodType, z.ZodType>

/** Declares a job. The definition is plain data: importing it never loads the handler. */
export function defineJob<
  const Name extends string,
  const Queue extends string,
  Input extends z.ZodType,
  Output extends z.ZodType,
  // `{}`: no older versions unless declared; kept exact so callers can type an older payload.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  const Older extends OlderVersions = {},
  Checkpoint extends z.ZodType = z.ZodType,
>(
  definition: JobDefinition<Name, Queue, Input, Output, Older, Checkpoint>,
): JobDefinition<Name, Queue, Input, Output, Older, Checkpoint> {
  if (!JOB_NAME_PATTERN.test(definition.name)) {
    throw new TypeError(
      `job name "${definition.name}" must look like "<project>.<job>", e.g. "media.resize"`,
    )
  }
  if (definition.group) checkGroup(definition.name, definition.group)
  checkDedupe(definition.name, definition.dedupe)
  if (definition.group && definition.dedupe) {
    // Each takes its own path at enqueue (held back in a group, or folded by BullMQ's
    // deduplication); folding jobs held back in a group is not built yet.
    throw new TypeError(
      `job "${definition.name}": group and dedupe cannot be declared together yet`,
    )
  }
  checkSearch(definition.name, definition.input, definition.search)
  if (definition.search && (definition.group || definition.dedupe)) {
    // Groups and dedupe add on their own paths; indexing there is not built yet.
    throw new TypeError(`job "${definition.name}": search with group or dedupe is not built yet`)
  }
  checkVersions(definition)
  if (definition.schedule) checkSchedulePolicy(definition.name, definition.schedule)
  return Object.freeze({ ...definition })
}

/** Refuses limits no gate can keep: a concurrency or rate below 1. */
function checkGroup(name: string, group: JobGroup<never>): void {
  const positive = (n: number) => Number.isInteger(n) && n >= 1
  const { concurrency, rate } = group
  if (!positive(concurrency) || (rate && !(positive(rate.max) && positive(rate.durationMs)))) {
    throw new TypeError(
      `job "${name}": group.concurrency, group.rate.max and group.rate.durationMs must be integers ≥ 1`,
    )
  }
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
  /**
   * Run this queue's jobs in child processes (BullMQ sandboxed processors), for handler code that
   * may crash, exit or leak: such a failure fails its job, never the worker. `setup()` then runs
   * once per child process. @defaultValue false
   */
  sandbox?: boolean
}

/** Queue names are plain words; BullMQ keys forbid `:` and we keep them shell-friendly. */
const QUEUE_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/

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
export interface HandlerContext<Setup = undefined, Checkpoint = unknown> {
  jobId: string
  jobName: string
  queue: string
  /**
   * The start number: 1 on the first try. Every start counts (attempt-budget.ts), so the run after
   * a crash or a lost lock sees the next number.
   */
  attempt: number
  /** Aborted on timeout, cancel, or a shutdown that ran out of grace. */
  signal: AbortSignal
  /** Reports progress: a percentage or any JSON object. */
  progress: (value: number | object) => Promise<void>
  /** A logger bound to this job. */
  log: Logger
  /** What the handler module's `setup()` returned in this process. */
  setup: Setup
  /**
   * Fans out one child job per entry and resolves, once every child has finished, with each
   * child's outcome in input order. A child that fails for good is reported, never fatal. The
   * parent is parked meanwhile (BullMQ `waiting-children`) and its handler runs again from the
   * top when the children are done: code before `fanOut` must be safe to run twice. Not
   * available on sandboxed queues.
   */
  fanOut: (children: readonly ChildJob[]) => Promise<ChildOutcome[]>
  /**
   * The last checkpoint an earlier attempt of this job saved, read through the definition's
   * `checkpoint` schema; undefined on a first run (or none saved). Fixed for the whole attempt.
   * Throws a `CheckpointError` when the saved state no longer passes the schema.
   */
  readonly resume: Checkpoint | undefined
  /**
   * Saves `state` (JSON, at most 64 KiB) as this job's checkpoint, for a later attempt's `resume`
   * (after a crash, a timeout, a shutdown, a retry); the job's end clears it. Resolves once Redis
   * holds it. Rejects with a `CheckpointError`, saving nothing, when `state` fails the schema or
   * the bound, or the job's lock is no longer this run's (the attempt is then aborted).
   * One round trip. Not available on sandboxed queues (rejects).
   */
  checkpoint: (state: Checkpoint) => Promise<void>
  /**
   * Runs `fn` once per job: its result (JSON, at most 64 KiB; at most 64 steps a job) is saved
   * under `name` before this resolves, and any later call of `name` (a retried attempt, or a
   * second call in this one) gets the saved result instead of running `fn`. The value answered is
   * the JSON round trip of the result. Same lock rule and errors as `checkpoint`.
   */
  step: <T>(name: string, fn: () => T | Promise<T>) => Promise<T>
}

/** One child job for {@link HandlerContext.fanOut}: any registry job. */
export interface ChildJob {
  name: string
  data: unknown
}

/** How one child of {@link HandlerContext.fanOut} ended. */
export type ChildOutcome =
  | { index: number; state: 'completed'; result: unknown }
  | { index: number; state: 'failed'; reason: string }

/** The type of a handler: `const run: HandlerOf<typeof sleep> = async (input, ctx) => ...`. */
export type HandlerOf<Definition extends AnyJobDefinition, Setup = undefined> = (
  input: z.output<Definition['input']>,
  ctx: HandlerContext<Setup, z.output<NonNullable<Definition['checkpoint']>>>,
) => Promise<z.input<Definition['output']>>

/** What the input of a job looks like to a caller (defaults still optional). */
export type InputOf<Definition extends AnyJobDefinition> = z.input<Definition['input']>

/**
 * What the input of version `Version` of a job looks like to a caller: an older version's
 * (`olderVersions`), else the current one's ({@link InputOf}).
 */
export type InputOfVersion<Definition extends AnyJobDefinition, Version> =
  NonNullable<Definition['olderVersions']> extends infer Older
    ? Version extends keyof Older
      ? Older[Version] extends { input: infer Schema extends z.ZodType }
        ? z.input<Schema>
        : InputOf<Definition>
      : InputOf<Definition>
    : InputOf<Definition>

/** What a finished job's result looks like. */
export type OutputOf<Definition extends AnyJobDefinition> = z.output<Definition['output']>
