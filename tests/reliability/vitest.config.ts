import { defineConfig, mergeConfig } from 'vitest/config'
import { sharedConfig } from '../../vitest.shared.js'

// The slow scenarios (`pnpm test:reliability`): one file at a time, since each one crashes,
// restarts or loads its own redis-server and processes and needs both cores to itself.
export default mergeConfig(
  sharedConfig('reliability'),
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      fileParallelism: false,
      testTimeout: 240_000,
      hookTimeout: 60_000,
      reporters: ['default', '../../scripts/summary-reporter.ts'],
    },
  }),
)
