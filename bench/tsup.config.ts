import { defineConfig } from 'tsup'
import { tsupBase } from '../tsup.shared.js'

// Each child process is its own entry; the bench registry's handlers stay separate chunks that
// only the worker child loads.
export default defineConfig({
  ...tsupBase,
  entry: [
    'src/main.ts',
    'src/worker-child.ts',
    'src/bullmq-worker-child.ts',
    'src/hono-child.ts',
    'src/jobs/registry.ts',
  ],
})
