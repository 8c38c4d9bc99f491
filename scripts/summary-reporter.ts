import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Reporter, TestModule } from 'vitest/node'

interface Totals {
  passed: number
  failed: number
  skipped: number
}

/**
 * Ends the run with one plain line, `Tests: N passed, N failed, N skipped`, which CI and humans
 * can read without knowing vitest's own format.
 *
 * `npm test` runs vitest twice (every package, then `pnpm test:reliability`): with
 * `JOBQ_TEST_TOTALS_FILE` set, each run adds the totals found in that file to its own, prints
 * the sum and writes it back, so the last line of the whole command counts every test.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const totals: Totals = { passed: 0, failed: 0, skipped: 0 }
    for (const module of testModules) {
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) {
        totals.failed++
      }
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') totals.passed++
        else if (state === 'failed') totals.failed++
        else totals.skipped++
      }
    }
    const file = process.env.JOBQ_TEST_TOTALS_FILE
    if (file) {
      const before = readTotals(file)
      totals.passed += before.passed
      totals.failed += before.failed
      totals.skipped += before.skipped
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, JSON.stringify(totals))
    }
    console.log(
      `\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`,
    )
  }
}

function readTotals(file: string): Totals {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Totals
  } catch {
    return { passed: 0, failed: 0, skipped: 0 }
  }
}
