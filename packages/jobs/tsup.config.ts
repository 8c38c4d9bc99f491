import { defineConfig } from 'tsup'

// Not bundled: every source file stays its own module, so a handler file is evaluated only when
// the worker imports it, and a loader hook can recognise it by its `.handler.js` name.
export default defineConfig({
  entry: ['src/**/*.ts', '!src/**/*.test.ts'],
  bundle: false,
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
})
