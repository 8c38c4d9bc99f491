import { defineConfig } from 'tsup'
import { tsupBase } from '../../tsup.shared.js'

export default defineConfig({
  ...tsupBase,
  entry: ['src/index.ts', 'src/dashboard.ts', 'src/testing/index.ts'],
  dts: true,
})
