import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// The built bundle (pnpm build runs before the tests) is what a service ships.
const bundle = readFileSync(new URL('../dist/index.js', import.meta.url), 'utf8')

describe('the client bundle', () => {
  it('imports nothing but eventsource-parser', () => {
    const imports = [...bundle.matchAll(/^import .* from ["']([^"']+)["']/gm)].map((m) => m[1])
    expect(imports).toEqual(['eventsource-parser'])
  })

  it('carries no server or handler code', () => {
    for (const word of ['bullmq', 'ioredis', 'zod', 'hono', '.handler', 'node:', 'process.env']) {
      expect(bundle, word).not.toContain(word)
    }
  })
})
