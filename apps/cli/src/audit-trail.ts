import { randomUUID } from 'node:crypto'
import { hostname, userInfo } from 'node:os'
import { problemOf } from '@jobq/queue-core'
import type { CliContext } from './context.js'

/**
 * Runs an admin action of the CLI (pause, resume, empty, clean, retry, cancel, group limits,
 * bulk actions) and writes it to the audit trail the producer writes for HTTP (`<prefix>:audit`,
 * README "Access scopes"), refused or not. The CLI holds no API token (it talks to Redis), so the
 * entry names the OS user and host: `token` is `cli:<user>@<host>`, `action` is
 * `jobq <command>`, `requestId` a fresh UUID, `status` 200 when the action succeeded, else the
 * status the API would answer for its error. `affectedOf` counts from the result: default its
 * `affected`, else 1. A trail that cannot be written is reported on stderr and does not change
 * the command's outcome: the action has happened (or failed) already.
 */
export async function audited<T>(
  ctx: CliContext,
  action: string,
  target: Record<string, string>,
  run: () => Promise<T>,
  affectedOf: (result: T) => number | null = countOf,
): Promise<T> {
  const entry = { token: actor(), action: `jobq ${action}`, target, requestId: randomUUID() }
  let result: T
  try {
    result = await run()
  } catch (err) {
    await record(ctx, { ...entry, affected: 0, status: problemOf(err)?.status ?? 500 })
    throw err
  }
  await record(ctx, { ...entry, affected: affectedOf(result), status: 200 })
  return result
}

type Entry = Parameters<CliContext['ops']['audit']['record']>[0]

async function record(ctx: CliContext, entry: Omit<Entry, 'at'>): Promise<void> {
  try {
    await ctx.ops.audit.record({ at: new Date().toISOString(), ...entry })
  } catch (err) {
    console.error(`jobq: audit trail not written: ${(err as Error).message}`)
  }
}

function countOf(result: unknown): number {
  const affected = (result as { affected?: unknown } | null)?.affected
  return typeof affected === 'number' ? affected : 1
}

/** `cli:<user>@<host>`; a user without a passwd entry (some containers) is named by uid. */
function actor(): string {
  let user: string
  try {
    user = userInfo().username
  } catch {
    user = String(process.getuid?.() ?? 'unknown')
  }
  return `cli:${user}@${hostname()}`
}
