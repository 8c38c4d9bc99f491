import { defineConfig } from 'vitest/config'

// The checker's and the schedule's own tests (pure functions, no Redis): `pnpm test:chaos` runs
// them before every chaos run, so a checker that cannot fail never gets to pass a run.
export default defineConfig({
  resolve: { conditions: ['jobq-source'] },
  test: {
    name: 'chaos',
    include: ['src/**/*.test.ts'],
  },
})
