import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'

/** A benchmark child process (its own event loop and memory, like a deployed process). */
export interface Child {
  process: ChildProcess
  /** Resolves with the next IPC message of `type`. */
  next<T = Record<string, unknown>>(type: string): Promise<T>
  /** Every IPC message of `type` as it comes. */
  on(type: string, listener: (message: Record<string, unknown>) => void): void
  send(message: object): void
  /** Resident memory (MiB) from /proc, read from outside so the child is not disturbed. */
  rssMiB(): number
  stop(): Promise<void>
}

export function startChild(
  script: string,
  args: string[],
  env: Record<string, string>,
  execArgv: string[] = [],
): Child {
  const child = fork(script, args, {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const listeners = new Map<string, Set<(message: Record<string, unknown>) => void>>()
  child.on('message', (message: Record<string, unknown>) => {
    for (const listener of listeners.get(String(message.type)) ?? []) listener(message)
  })
  const on = (type: string, listener: (message: Record<string, unknown>) => void) => {
    if (!listeners.has(type)) listeners.set(type, new Set())
    listeners.get(type)!.add(listener)
  }
  return {
    process: child,
    on,
    next<T>(type: string) {
      return new Promise<T>((resolve, reject) => {
        const listener = (message: Record<string, unknown>) => {
          listeners.get(type)!.delete(listener)
          resolve(message as T)
        }
        on(type, listener)
        child.once('exit', (code) =>
          reject(new Error(`child ${script} exited (${code}) before "${type}"`)),
        )
      })
    },
    send: (message) => child.send(message),
    rssMiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await once(child, 'exit')
      clearTimeout(timer)
    },
  }
}
