import { defineConfig } from 'vitest/config'

// One run over every package; each package's own vitest.config.ts names it and adds its setup.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'infra'],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
})
