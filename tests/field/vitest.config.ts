import { defineConfig, mergeConfig } from 'vitest/config'
import { sharedConfig } from '../../vitest.shared.js'

// The field-failure suite (`pnpm test:field`): one file per kind of failure users of job queues
// report (docs/reliability.md, "Field failures"). Files run one at a time: several start their
// own redis-server and worker processes and kill them.
export default mergeConfig(
  sharedConfig('field'),
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      fileParallelism: false,
      testTimeout: 120_000,
      hookTimeout: 60_000,
      reporters: ['default', '../../scripts/summary-reporter.ts'],
    },
  }),
)
