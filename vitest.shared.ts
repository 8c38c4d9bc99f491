import { fileURLToPath } from 'node:url'
import type { ViteUserConfig } from 'vitest/config'

/**
 * What every package's tests share: a private redis-server per run (global setup), workspace
 * packages read from source (the `jobq-source` export condition), and timeouts that leave room
 * for real processes on a 2-core machine.
 */
export function sharedConfig(name: string): ViteUserConfig {
  return {
    resolve: { conditions: ['jobq-source'] },
    ssr: { resolve: { conditions: ['jobq-source'], externalConditions: ['jobq-source'] } },
    test: {
      name,
      globalSetup: [
        fileURLToPath(
          new URL('./packages/queue-core/src/testing/global-setup.ts', import.meta.url),
        ),
      ],
      // Fails a test file that leaves a socket, a server or a child process open.
      setupFiles: [
        fileURLToPath(
          new URL('./packages/queue-core/src/testing/leak-guard.setup.ts', import.meta.url),
        ),
      ],
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  }
}
