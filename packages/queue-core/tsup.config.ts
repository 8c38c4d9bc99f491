import { defineConfig } from 'tsup'
import { tsupBase } from '../../tsup.shared.js'

export default defineConfig({
  ...tsupBase,
  entry: [
    'src/index.ts',
    'src/contracts/index.ts',
    'src/dashboard.ts',
    'src/redis-server/index.ts',
    'src/testing/index.ts',
    'src/worker/process/index.ts',
  ],
  // vitest is the test runner's own copy, never bundled: inlined, it made dist/testing a
  // 17,000-line file that bench and dev loaded at run time.
  external: [/^vitest($|\/)/],
  dts: true,
})
