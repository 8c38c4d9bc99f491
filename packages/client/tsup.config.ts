import { defineConfig } from 'tsup'
import { tsupBase } from '../../tsup.shared.js'

// Bundled for browsers and servers alike: `platform: 'neutral'` and no Node built-ins. The job
// types come from @jobq/jobs as `import type`, erased here, so no server code can ride along.
export default defineConfig({
  ...tsupBase,
  platform: 'neutral',
  target: 'es2022',
  entry: ['src/index.ts'],
  dts: true,
})
