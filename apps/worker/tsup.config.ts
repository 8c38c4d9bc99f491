import { defineConfig } from 'tsup'

// Workspace packages stay external (they are dependencies): @jobq/jobs keeps its handler files
// as separate modules, which the producer never imports.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
})
