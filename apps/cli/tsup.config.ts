import { defineConfig } from 'tsup'
import { tsupBase } from '../../tsup.shared.js'

// `#!/usr/bin/env node` comes from src/main.ts's first line (tsup keeps it and marks dist/main.js
// executable), so `jobq` works as a bin.
export default defineConfig({ ...tsupBase, entry: ['src/main.ts'] })
