import { defineConfig } from 'tsup'
import { tsupBase } from '../../tsup.shared.js'

// Workspace packages stay external (they are dependencies): @jobq/jobs keeps its handler files
// as separate modules, loaded only where a worker asks for them.
export default defineConfig({ ...tsupBase, entry: ['src/main.ts'] })
