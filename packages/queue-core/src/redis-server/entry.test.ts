import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// bench, `pnpm dev` and the chaos runner load `@jobq/queue-core/redis-server` at run time: nothing
// in its graph may pull in vitest (once, the testing build inlined it: 16,940 lines, 590 KB).

const root = fileURLToPath(new URL('../..', import.meta.url))
// `import type` is erased at build time, so it is not followed.
const specifiers =
  /(?:^|\n)\s*(?:import|export)\b(?!\s+type\b)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

/** Every file reachable from `entry` by relative imports, and the packages they import. */
function importGraph(entry: string, toFile: (from: string, spec: string) => string) {
  const files = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    for (const match of readFileSync(file, 'utf8').matchAll(specifiers)) {
      const spec = (match[1] ?? match[2])!
      if (spec.startsWith('.')) visit(toFile(file, spec))
      else packages.add(spec)
    }
  }
  visit(entry)
  return { files: [...files], packages: [...packages].sort() }
}

const sourceFile = (from: string, spec: string) =>
  resolve(dirname(from), spec.replace(/\.js$/, '.ts'))
const builtFile = (from: string, spec: string) => resolve(dirname(from), spec)

describe('the runtime entry @jobq/queue-core/redis-server', () => {
  it('imports no vitest from source: only Node built-ins and ioredis', () => {
    const graph = importGraph(resolve(root, 'src/redis-server/index.ts'), sourceFile)
    expect(graph.files.length).toBeGreaterThan(3)
    expect(graph.packages.filter((p) => !p.startsWith('node:'))).toEqual(['ioredis'])
  })

  it('imports no vitest once built, and the testing build keeps vitest external', () => {
    const built = resolve(root, 'dist/redis-server/index.js')
    expect(existsSync(built), 'run `pnpm build` first: this test reads dist/').toBe(true)
    const graph = importGraph(built, builtFile)
    expect(graph.packages.filter((p) => /vitest/.test(p))).toEqual([])
    const testing = importGraph(resolve(root, 'dist/testing/index.js'), builtFile)
    expect(testing.packages).toContain('vitest')
    // Inlined, vitest alone is ~17,000 lines; the helpers themselves are a few hundred.
    const lines = testing.files.map((f) => readFileSync(f, 'utf8').split('\n').length)
    expect(lines.reduce((a, b) => a + b, 0)).toBeLessThan(3_000)
  })
})
