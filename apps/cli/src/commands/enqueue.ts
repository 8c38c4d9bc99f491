import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { SingleBar, Presets } from 'cli-progress'
import type { EnqueuedJob, EnqueueOutcome, WatchEvent } from '@jobq/queue-core'
import { parse, withContext } from '../command-kit.js'
import type { CliContext } from '../context.js'
import { CommandFailedError, UsageError } from '../errors.js'
import { color, printJson } from '../output.js'

interface EnqueueOptions {
  data: string
  count: number
  delay?: number
  priority?: number
  jobId?: string
  version?: number
  requireWorker?: boolean
  wait?: boolean
  timeout: number
  json?: boolean
}

/** Jobs per bulk round trip when `--count` is large: one MULTI each, progress between them. */
const CHUNK = 1_000

/** `jobq enqueue NAME --data JSON|@file [--count N] [--wait]`. */
export function registerEnqueue(program: Command): void {
  program
    .command('enqueue')
    .description('validate and enqueue a job (or many), optionally waiting for its result')
    .argument('<name>', 'the job, e.g. demo.sleep (see `jobq info` / GET /v1/registry)')
    .option('-d, --data <json|@file>', 'the job input as JSON, or @path to a JSON file', '{}')
    .option('-n, --count <n>', 'enqueue this many copies (progress bar)', parse.int(1), 1)
    .option('--delay <ms>', 'run no sooner than this many ms from now', parse.int(0))
    .option('--priority <n>', 'lower runs first', parse.int(1))
    .option(
      '--job-id <key>',
      'idempotency key: within JOBQ_IDEMPOTENCY_TTL_MS (24 h) the same key never makes a second job',
    )
    .option(
      '--version <n>',
      "the payload version of --data (default the job's current)",
      parse.int(1),
    )
    .option(
      '--require-worker',
      'fail (exit 1) instead of warning when no live worker runs that version',
    )
    .option('-w, --wait', 'show progress and print the result; exit 1 if the job fails')
    .option('--timeout <ms>', 'with --wait: give up after this long', parse.int(1), 600_000)
    .option('--json', 'print JSON for scripts')
    .addHelpText(
      'after',
      `
Examples:
  $ jobq enqueue demo.sleep --data '{"ms":2000,"message":"hi"}' --wait
  $ jobq enqueue demo.echo --data @payload.json --count 10000
  $ jobq enqueue demo.big-file --delay 60000 --job-id nightly-2026-11-22
  $ jobq enqueue demo.greet --version 1 --data '{"name":"Ada Lovelace"}'`,
    )
    .action(async (name: string, options: EnqueueOptions, command: Command) => {
      const data = await readData(options.data)
      if (options.wait && options.count > 1)
        throw new UsageError('--wait takes a single job (no --count)')
      const enqueueOptions = {
        ...(options.delay !== undefined && { delay: options.delay }),
        ...(options.priority !== undefined && { priority: options.priority }),
        ...(options.jobId && { jobId: options.jobId }),
        ...(options.version !== undefined && { version: options.version }),
        ...(options.requireWorker && { requireWorker: true }),
      }
      await withContext(
        command,
        async (ctx) => {
          if (options.count > 1) return enqueueMany(ctx, name, data, enqueueOptions, options)
          const job = await ctx.ops.jobs.enqueue(name, data, enqueueOptions)
          if (job.warning) console.error(`${color.yellow('jobq: warning:')} ${job.warning}`)
          if (!options.wait) {
            if (options.json) return printJson(job)
            return console.log(`${job.id}  ${job.name} on ${job.queue}, ${job.state}${noteOf(job)}`)
          }
          if (job.state === 'removed') {
            throw new CommandFailedError(
              `job ${job.id} (key ${options.jobId}) was removed: no result to wait for`,
            )
          }
          await waitFor(ctx, job.id, options)
        },
        { events: options.wait },
      )
    })
}

async function readData(raw: string): Promise<unknown> {
  let text = raw
  if (raw.startsWith('@')) {
    text = await readFile(raw.slice(1), 'utf8').catch((err: Error) => {
      throw new UsageError(`cannot read ${raw.slice(1)}: ${err.message}`)
    })
  }
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new UsageError(`--data is not valid JSON: ${(err as Error).message}`)
  }
}

async function enqueueMany(
  ctx: CliContext,
  name: string,
  data: unknown,
  options: object,
  { count, json }: EnqueueOptions,
) {
  const bar = process.stderr.isTTY
    ? new SingleBar(
        { format: `${name} [{bar}] {value}/{total} {eta_formatted}` },
        Presets.shades_classic,
      )
    : undefined
  // Every chunk carries the same payload, so a bad one fails the first chunk: nothing is enqueued.
  const ids: string[] = []
  const outcomes: EnqueueOutcome[] = []
  let made = 0
  let warning: string | undefined
  bar?.start(count, 0)
  try {
    for (let done = 0; done < count; done += CHUNK) {
      const size = Math.min(CHUNK, count - done)
      const items = Array.from({ length: size }, () => ({ data, options }))
      const enqueued = await ctx.ops.jobs.enqueueBulk(name, items)
      ids.push(...enqueued.ids)
      made += enqueued.created.filter(Boolean).length
      outcomes.push(...enqueued.outcomes)
      warning ??= enqueued.warning
      bar?.update(ids.length)
    }
  } finally {
    bar?.stop()
  }
  if (warning) console.error(`${color.yellow('jobq: warning:')} ${warning}`)
  if (json) return printJson({ ids, created: made, outcomes: countOutcomes(outcomes) })
  // With --job-id every copy names the same key: one job, the others answered by it.
  const existing = ids.length - made
  const note = existing ? color.yellow(` (${existing} answered by an existing job)`) : ''
  console.log(`enqueued ${made} × ${name}${note}`)
}

/** What an enqueue did, beside its line: nothing for a plain `created`. */
function noteOf(job: EnqueuedJob): string {
  switch (job.outcome) {
    case 'created':
      return ''
    case 'replaced':
      return color.yellow(` (replaced ${job.replacedId}: debounced)`)
    case 'duplicated':
      return color.yellow(' (duplicated: this --job-id made it before)')
    case 'deduplicated':
      return color.yellow(' (deduplicated: this job already holds its dedupe key)')
  }
}

/** How many items of a bulk had each outcome: `{ created: 9, deduplicated: 1 }`. */
function countOutcomes(outcomes: readonly EnqueueOutcome[]) {
  const counts: Partial<Record<EnqueueOutcome, number>> = {}
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1
  return counts
}

/** How a waited-for job ended. */
type Outcome = { result: unknown } | { reason: string } | { timedOut: true }

/**
 * `--wait`: progress bar, then the result (exit 0), the reason (exit 1) or a timeout (exit 1).
 * Every failure on the way (Redis gone, the job removed) rejects, so it ends in its exit code.
 */
async function waitFor(ctx: CliContext, id: string, { timeout, json }: EnqueueOptions) {
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: `${id} [{bar}] {value}%` }, Presets.shades_classic)
    : undefined
  let stop = () => {}
  try {
    const outcome = await new Promise<Outcome>((resolve, reject) => {
      const timer = setTimeout(() => resolve({ timedOut: true }), timeout)
      const settle = (value: Outcome) => {
        clearTimeout(timer)
        resolve(value)
      }
      const fail = (err: unknown) => {
        clearTimeout(timer)
        reject(err instanceof Error ? err : new Error(String(err)))
      }
      const onEvent = (event: WatchEvent) => {
        if (event.type === 'progress' && typeof event.progress === 'number')
          bar?.update(event.progress)
        if (event.type === 'completed') settle({ result: event.result })
        if (event.type === 'failed') settle({ reason: event.reason })
      }
      ctx.ops.jobs.watch(id, onEvent, fail).then(({ current, final, stop: stopWatching }) => {
        stop = stopWatching
        bar?.start(100, typeof current.progress === 'number' ? current.progress : 0)
        if (final) onEvent(final)
      }, fail)
    })
    report(id, outcome, { timeout, json })
  } finally {
    stop()
    bar?.stop()
  }
}

function report(
  id: string,
  outcome: Outcome,
  { timeout, json }: Pick<EnqueueOptions, 'timeout' | 'json'>,
) {
  if ('timedOut' in outcome) {
    throw new CommandFailedError(`job ${id} did not finish within ${timeout} ms`)
  }
  if ('reason' in outcome) throw new CommandFailedError(`job ${id} failed: ${outcome.reason}`)
  if (json) return printJson({ id, result: outcome.result })
  console.log(JSON.stringify(outcome.result, null, 2))
}
