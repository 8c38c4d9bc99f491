import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'

/** A Node child process started by a test, with its output kept for assertions. */
export interface NodeProcess {
  child: ChildProcess
  /** Everything written to stdout and stderr so far. */
  output(): string
  /** Resolves when a line of output matches `pattern`; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>
  /** Resolves with the exit code (or the signal name) once the process ends. */
  exited: Promise<number | string>
  /** Sends SIGKILL unless it already ended. */
  kill(): void
}

/** Starts `node [nodeArgs] script [args]` with `env` on top of the current environment. */
export function spawnNode(
  script: string,
  args: string[],
  options: { env?: Record<string, string>; nodeArgs?: string[]; cwd?: string } = {},
): NodeProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const listeners = new Set<() => void>()
  const collect = (chunk: Buffer) => {
    output += chunk.toString()
    for (const listener of listeners) listener()
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string)

  return {
    child,
    output: () => output,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    },
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = output.split('\n').find((l) => pattern.test(l))
          if (line !== undefined) finish(undefined, line)
        }
        const timer = setTimeout(
          () =>
            finish(new Error(`no output matching ${pattern} within ${timeoutMs} ms:\n${output}`)),
          timeoutMs,
        )
        const finish = (err?: Error, line?: string) => {
          clearTimeout(timer)
          listeners.delete(check)
          if (err) reject(err)
          else resolve(line ?? '')
        }
        listeners.add(check)
        void exited.then((code) =>
          finish(new Error(`process exited (${code}) before ${pattern} appeared:\n${output}`)),
        )
        check()
      })
    },
  }
}
