import type { Options } from 'tsup'

/** What every package and app builds with: ESM for Node 20, with source maps. */
export const tsupBase = {
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
} satisfies Options
