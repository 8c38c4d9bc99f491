import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { workerEnv, type ConnectionFlags } from '../env.js'

// The CLI's worker entry (src/worker-main.ts), always the built one: bundled, this file is part
// of dist/main.js beside it; run from source (tsx), it is two folders down from the package.
const workerMain = fileURLToPath(
  new URL(
    import.meta.url.endsWith('.ts') ? '../../dist/worker-main.js' : './worker-main.js',
    import.meta.url,
  ),
)

/**
 * `jobq worker`: the worker process of `@jobq/queue-core/worker` (the same as apps/worker's), run
 * as a child process with the same arguments, so this process never evaluates handler code.
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run a worker for some queues (default: all): the same as apps/worker')
    .argument('[queues...]')
    .option('-c, --concurrency <n>', 'jobs at once per queue')
    .option('-p, --processes <n>', 'keep this many worker processes alive')
    .option('--grace-ms <ms>', 'on SIGTERM, how long active jobs may finish')
    .addHelpText(
      'after',
      `\nSIGTERM/SIGINT stops it within the grace period plus 3 s, whatever Redis does.` +
        `\nExit codes (those of apps/worker; README, "Worker"):` +
        `\n  0  stopped cleanly: every job it took finished or went back to its queue` +
        `\n  1  could not start (environment, registry, a setup() that threw)` +
        `\n  2  usage error` +
        `\n  3  stopped, not cleanly (Redis unreachable, stopped while starting): unfinished` +
        `\n     jobs go back to their queue through the stalled check` +
        `\n\nExamples:\n  $ jobq worker\n  $ jobq worker big_file --processes 4`,
    )
    .action(
      async (queues: string[], options: Record<string, string | undefined>, command: Command) => {
        const args = [
          ...queues,
          ...Object.entries({
            concurrency: options.concurrency,
            processes: options.processes,
            'grace-ms': options.graceMs,
          })
            .filter(([, value]) => value !== undefined)
            .flatMap(([flag, value]) => [`--${flag}`, value!]),
        ]
        const child = spawn(process.execPath, [workerMain, ...args], {
          stdio: 'inherit',
          env: workerEnv(command.optsWithGlobals<ConnectionFlags>()),
        })
        for (const signal of ['SIGINT', 'SIGTERM'] as const)
          process.on(signal, () => child.kill(signal))
        const code = await new Promise<number>((resolve) =>
          child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))),
        )
        process.exitCode = code
      },
    )
}
