import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { BenchResult } from './context.js'

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2))

/** The results as a Markdown table (also what stdout shows). */
export function table(results: BenchResult[]): string {
  const rows = results.map((r) => {
    const ok = r.ratio >= r.target ? 'yes' : '**no**'
    return `| ${r.scenario} | ${fmt(r.jobq)} | ${fmt(r.baseline)} | ${r.unit} | ${r.ratio.toFixed(2)} | ≥ ${r.target} | ${ok} |`
  })
  return [
    '| scenario | jobq | baseline | unit | ratio | target | met |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n')
}

/** Where this run happened: the figures only mean something beside it. */
export function machine(redisVersion: string): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Redis ${redisVersion}`
}

/** Scale rows (scale/run.ts) have their own section in RESULTS.md. */
const isScale = (r: { scenario: string }) => r.scenario.startsWith('scale: ')

/**
 * Writes latest.json (the machine-readable results) and, for full runs, RESULTS.md's table.
 * latest.json keeps the lines of scenarios this run did not measure (an `--only` run updates
 * its own), each line stamped with its run's time; `spread` is added beside the old fields.
 */
export function writeResults(
  dir: URL,
  results: BenchResult[],
  notes: string,
  quick: boolean,
  partial: boolean,
) {
  mkdirSync(new URL('results/', dir), { recursive: true })
  const at = new Date().toISOString()
  const json = results.map(({ scenario, jobq, baseline, ratio, unit, spread }) => ({
    scenario,
    jobq,
    baseline,
    ratio,
    unit,
    ...(spread && { spread }),
    at,
  }))
  const path = new URL(`results/${quick ? 'quick' : 'latest'}.json`, dir)
  const measured = new Set(results.map((r) => r.scenario))
  const kept = quick || !existsSync(path) ? [] : readKept(path, measured)
  writeFileSync(path, `${JSON.stringify([...kept, ...json], null, 2)}\n`)
  const tabled = results.filter((r) => !isScale(r))
  // An `--only` run would replace the full run's table with a few rows of its own.
  if (quick || partial || !tabled.length) return
  // RESULTS.md is written by hand around a generated block: the latest full run goes in it.
  const file = new URL('RESULTS.md', dir)
  const start = '<!-- results:start -->'
  const end = '<!-- results:end -->'
  const text = existsSync(file) ? readFileSync(file, 'utf8') : `${start}\n${end}\n`
  const block = `${start}\n${notes}\n\n${table(tabled)}\n${end}`
  writeFileSync(file, text.replace(new RegExp(`${start}[\\s\\S]*${end}`), block))
  prettify(dir, file)
}

/**
 * Formats a written Markdown file with the repo's prettier, so `pnpm lint` passes after a run.
 * Left as written where prettier is not installed (a copy of bench/ alone).
 */
export function prettify(dir: URL, file: URL): void {
  try {
    const bin = fileURLToPath(new URL('../node_modules/.bin/prettier', dir))
    execFileSync(bin, ['--write', fileURLToPath(file)], { stdio: 'ignore' })
  } catch {
    console.log(`  (${fileURLToPath(file)} left unformatted: no prettier)`)
  }
}

/** The lines of an earlier latest.json for scenarios not in `measured`. */
function readKept(path: URL, measured: Set<string>): { scenario: string }[] {
  const earlier = JSON.parse(readFileSync(path, 'utf8')) as { scenario: string }[]
  return earlier.filter((entry) => !measured.has(entry.scenario))
}
