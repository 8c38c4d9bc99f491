import type { ChildProcess } from 'node:child_process'
import { Server, Socket } from 'node:net'
import { eventually } from '../redis-server/eventually.js'

// What a test may not leave behind: a socket (a Redis connection, a BullMQ worker's blocking
// connection, an HTTP keep-alive), a listening server, a child process. Node keeps them in its
// active handles; timers and the test runner's own pipes are left alone.

/** The process's open handles at one moment: compare a later moment with {@link leftOpen}. */
export type HandleSnapshot = ReadonlySet<object>

interface NodeProcessInternals {
  _getActiveHandles?: () => object[]
}

function activeHandles(): object[] {
  // Undocumented but stable since Node 0.x, and the only way to name what is open; Node's own
  // `getActiveResourcesInfo()` only gives type names ('TCPSocketWrap').
  return (process as NodeProcessInternals)._getActiveHandles?.() ?? []
}

/** Takes a snapshot of the sockets, servers and child processes open now. */
export function openHandles(): HandleSnapshot {
  return new Set(activeHandles())
}

/** A handle in words (what a leak report lists), or undefined for one the guard ignores. */
export function describeHandle(handle: object): string | undefined {
  if (handle instanceof Socket) {
    // stdio pipes of children (the child is reported itself) and of the runner.
    if (handle.remotePort === undefined && !handle.connecting) return undefined
    const to = `${handle.remoteAddress ?? '?'}:${handle.remotePort ?? '?'}`
    return `socket to ${to} (from local port ${handle.localPort ?? '?'})`
  }
  if (handle instanceof Server) {
    const address = handle.address()
    const where = typeof address === 'object' && address ? `port ${address.port}` : address
    return `server listening on ${where ?? 'an unknown address'}`
  }
  if (handle.constructor.name === 'ChildProcess') {
    const child = handle as ChildProcess
    return `child process ${child.spawnargs.join(' ').slice(0, 160)} (pid ${child.pid})`
  }
  return undefined
}

/** Handles open now that were not open in `baseline`, in words. */
export function leftOpen(baseline: HandleSnapshot): string[] {
  return activeHandles()
    .filter((handle) => !baseline.has(handle))
    .map(describeHandle)
    .filter((text): text is string => text !== undefined)
}

/**
 * Resolves once every socket, server and child process opened since `baseline` has closed;
 * closing is asynchronous (a FIN, an exit), so it waits up to `settleMs` for them.
 *
 * @param settleMs - @defaultValue 3_000
 * @throws Error `left open: <handle>; <handle>…` naming each one still open after `settleMs`
 */
export async function assertNoLeaks(baseline: HandleSnapshot, settleMs = 3_000): Promise<void> {
  try {
    await eventually(
      () => leftOpen(baseline),
      (open) => open.length === 0,
      {
        timeoutMs: settleMs,
        intervalMs: 25,
        what: 'every socket, server and child process the test opened to close',
      },
    )
  } catch {
    throw new Error(
      `left open: ${leftOpen(baseline).join('; ')} — close them in the test's teardown, or make ` +
        `them through the harness (useHarness), which closes what it made`,
    )
  }
}
