import { defineConfig } from 'tsup'
import { tsupBase } from '../../tsup.shared.js'

// Not bundled: every source file stays its own module, so a handler file is evaluated only when
// the worker imports it, and a loader hook can recognise it by its `.handler.js` name.
export default defineConfig({
  ...tsupBase,
  entry: ['src/**/*.ts', '!src/**/*.test.ts'],
  bundle: false,
  dts: true,
})
