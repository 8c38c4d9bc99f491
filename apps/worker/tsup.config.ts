import { defineConfig } from 'tsup'
import { tsupBase } from '../../tsup.shared.js'

// Workspace packages stay external (they are dependencies): @jobq/jobs keeps its handler files
// as separate modules, loaded only where a worker asks for them.
// sandbox-processor.js is what BullMQ forks for sandboxed queues: an entry of its own.
export default defineConfig({ ...tsupBase, entry: ['src/main.ts', 'src/sandbox-processor.ts'] })
