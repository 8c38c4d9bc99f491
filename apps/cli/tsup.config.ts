import { defineConfig } from 'tsup'
import { tsupBase } from '../../tsup.shared.js'

// `#!/usr/bin/env node` comes from src/main.ts's first line (tsup keeps it and marks dist/main.js
// executable), so `jobq` works as a bin. worker-main.js is what `jobq worker` runs as a child
// process, sandbox-processor.js what BullMQ forks for its sandboxed queues: entries of their own.
export default defineConfig({
  ...tsupBase,
  entry: ['src/main.ts', 'src/worker-main.ts', 'src/sandbox-processor.ts'],
})
