import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
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

/** Writes latest.json (the machine-readable results) and, for full runs, RESULTS.md's table. */
export function writeResults(dir: URL, results: BenchResult[], notes: string, quick: boolean) {
  mkdirSync(new URL('results/', dir), { recursive: true })
  const json = results.map(({ scenario, jobq, baseline, ratio, unit }) => ({
    scenario,
    jobq,
    baseline,
    ratio,
    unit,
  }))
  writeFileSync(
    new URL(`results/${quick ? 'quick' : 'latest'}.json`, dir),
    `${JSON.stringify(json, null, 2)}\n`,
  )
  if (quick) return
  // RESULTS.md is written by hand around a generated block: the latest full run goes in it.
  const file = new URL('RESULTS.md', dir)
  const start = '<!-- results:start -->'
  const end = '<!-- results:end -->'
  const text = existsSync(file) ? readFileSync(file, 'utf8') : `${start}\n${end}\n`
  const block = `${start}\n${notes}\n\n${table(results)}\n${end}`
  writeFileSync(file, text.replace(new RegExp(`${start}[\\s\\S]*${end}`), block))
}
