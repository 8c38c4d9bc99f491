// The scale section of RESULTS.md: a table per family and its plot, between markers so the
// hand-written text around it stays.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { prettify } from '../report.js'
import { median } from '../stats.js'
import { toResult, type Family, type ScaleRow } from './row.js'

const TITLE: Record<Family, string> = {
  memory: 'Redis memory per stored job (MEMORY USAGE of every key under the prefix ÷ jobs)',
  lookup: 'Reads as the registry grows',
  idle: 'One idle worker process serving many queues',
  backlog: 'Listing and counting with a big backlog',
  throughput: 'Enqueue and drain with more processes on one Redis',
}

const fmt = (n: number) =>
  Number.isInteger(n) || Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(2)

function familyTable(rows: ScaleRow[]): string {
  const lines = rows.map((row) => {
    const { ratio, target } = toResult(row)
    const met = row.target === undefined ? '' : ratio >= target ? 'yes' : '**no**'
    const goal = row.target === undefined ? '' : `≥ ${row.target}`
    return `| ${row.measure} | ${fmt(row.x)} | ${fmt(median(row.jobq))} | ${fmt(median(row.baseline))} (${row.baselineIs}) | ${row.unit} | ${ratio.toFixed(2)} | ${goal} | ${met} |`
  })
  return [
    '| measure | size | jobq | baseline | unit | ratio | target | met |',
    '|---|---|---|---|---|---|---|---|',
    ...lines,
  ].join('\n')
}

export function scaleMarkdown(rows: ScaleRow[], plots: string[], notes: string): string {
  const parts = [notes]
  for (const family of Object.keys(TITLE) as Family[]) {
    const mine = rows.filter((row) => row.family === family)
    if (!mine.length) continue
    parts.push(`### ${TITLE[family]}`, familyTable(mine))
    const plot = plots.find((file) => file === `scale-${family}.svg`)
    if (plot) parts.push(`![${family}](${plot})`)
  }
  return parts.join('\n\n')
}

/** Puts `markdown` between RESULTS.md's scale markers (appended at the end the first time). */
export function writeScaleSection(dir: URL, markdown: string): void {
  const file = new URL('RESULTS.md', dir)
  const [start, end] = ['<!-- scale:start -->', '<!-- scale:end -->']
  const text = existsSync(file) ? readFileSync(file, 'utf8') : ''
  const block = `${start}\n\n${markdown}\n\n${end}`
  const marked = new RegExp(`${start}[\\s\\S]*${end}`)
  writeFileSync(
    file,
    marked.test(text) ? text.replace(marked, block) : `${text.trimEnd()}\n\n${block}\n`,
  )
  prettify(dir, file)
}
