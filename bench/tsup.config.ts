import { defineConfig } from 'tsup'
import { tsupBase } from '../tsup.shared.js'

// Each child process is its own entry; the bench registry's handlers stay separate chunks that
// only the worker child loads.
export default defineConfig({
  ...tsupBase,
  entry: [
    'src/main.ts',
    // `node dist/search-scale.js`: the 1,000,000-job search measure (issue 17), not in pnpm bench.
    'src/search-scale.ts',
    'src/worker-child.ts',
    'src/bullmq-worker-child.ts',
    'src/hono-child.ts',
    'src/load-child.ts',
    'src/jobs/registry.ts',
    // The scale scenarios' processes, and the hook that gives the built producer and CLI the
    // scale registry (loaded by path, so each is an entry).
    'src/scale/worker-child.ts',
    'src/scale/enqueue-child.ts',
    'src/scale/registry.ts',
    'src/scale/preload.ts',
    'src/scale/hooks.ts',
    // `pnpm --filter @jobq/bench checkpoint-cost`: what a checkpoint save costs (issue 19).
    'src/checkpoint-cost.ts',
  ],
})
