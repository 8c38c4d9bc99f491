import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * The files where jobq declares what it reads from the environment: each app's and the demo
 * jobs' `src/env.ts`, and queue-core's shapes (the shared ones, the worker process's).
 */
function envSources(): string[] {
  const envFiles = ['apps', 'packages'].flatMap((group) =>
    readdirSync(join(root, group)).map((name) => join(root, group, name, 'src', 'env.ts')),
  )
  const shared = ['config.ts', 'operations/idempotency.ts', 'worker/process/env.ts'].map((file) =>
    join(root, 'packages/queue-core/src', file),
  )
  return [...envFiles, ...shared].filter((file) => {
    try {
      return readFileSync(file, 'utf8').length > 0
    } catch {
      return false
    }
  })
}

/** Keys of the env shapes (`  PORT: intEnv(…)`), and `process.env.NAME` reads. */
function variablesRead(): Set<string> {
  const names = new Set<string>()
  for (const file of envSources()) {
    const text = readFileSync(file, 'utf8')
    for (const [, name] of text.matchAll(/^\s+([A-Z][A-Z0-9_]{2,}):/gm)) names.add(name!)
    for (const [, name] of text.matchAll(/process\.env\.([A-Z][A-Z0-9_]+)/g)) names.add(name!)
  }
  return names
}

function variablesListed(): string[] {
  const text = readFileSync(join(root, '.env.example'), 'utf8')
  return [...text.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map(([, name]) => name!)
}

describe('.env.example', () => {
  it('lists every variable jobq reads, once, and none it does not read', () => {
    const read = variablesRead()
    const listed = variablesListed()
    expect(read.size).toBeGreaterThan(20)
    expect(listed.length, 'a variable is listed twice').toBe(new Set(listed).size)
    expect([...read].filter((name) => !listed.includes(name)).sort(), 'missing').toEqual([])
    expect(listed.filter((name) => !read.has(name)).sort(), 'read by nothing').toEqual([])
  })
})
