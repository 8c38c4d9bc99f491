// One SVG per scenario family, drawn by Vega-Lite (compiled to Vega, rendered headless).
import { writeFileSync } from 'node:fs'
import { parse, View } from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'
import { median } from '../stats.js'
import type { Family, ScaleRow } from './row.js'

const X_TITLE: Record<Family, string> = {
  memory: 'payload (bytes)',
  lookup: 'queues in the registry',
  idle: 'queues served by one worker process',
  backlog: 'waiting jobs',
  throughput: 'producer or worker processes',
}

/** The rows as points: jobq always, the baseline where it is plain BullMQ (not jobq itself). */
function points(rows: ScaleRow[]) {
  return rows.flatMap((row) => [
    { measure: `${row.measure} (${row.unit})`, x: row.x, side: 'jobq', value: median(row.jobq) },
    ...(row.baselineIs.startsWith('BullMQ')
      ? [
          {
            measure: `${row.measure} (${row.unit})`,
            x: row.x,
            side: 'BullMQ',
            value: median(row.baseline),
          },
        ]
      : []),
  ])
}

function spec(family: Family, rows: ScaleRow[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `jobq scale: ${family}`,
    data: { values: points(rows) },
    facet: { row: { field: 'measure', type: 'nominal', title: null } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 420,
      height: 140,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: X_TITLE[family], scale: { type: 'log' } },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'side', type: 'nominal', title: null },
      },
    },
  }
}

/** Writes `scale-<family>.svg` in `dir` for each family present; resolves with the file names. */
export async function writePlots(dir: URL, rows: ScaleRow[]): Promise<string[]> {
  const written: string[] = []
  for (const family of Object.keys(X_TITLE) as Family[]) {
    const mine = rows.filter((row) => row.family === family)
    if (!mine.length) continue
    const view = new View(parse(compile(spec(family, mine)).spec), { renderer: 'none' })
    const file = `scale-${family}.svg`
    writeFileSync(new URL(file, dir), `${await view.toSVG()}\n`)
    view.finalize()
    written.push(file)
  }
  return written
}
