import { defineConfig } from 'tsup'
import { tsupBase } from '../../tsup.shared.js'

export default defineConfig({
  ...tsupBase,
  entry: ['src/index.ts', 'src/contracts/index.ts', 'src/testing/index.ts'],
  dts: true,
})
