// `pnpm bench --only=scale [--scale-size=small] [--scale=memory,idle]`: how jobq's costs grow
// with the work (issue 14), each family beside plain BullMQ where BullMQ does the same thing.
import type { BenchContext, BenchResult } from '../context.js'
import { backlogRows, idleRows, lookupRows, memoryRows, throughputRows } from './families.js'
import { writePlots } from './plot.js'
import { scaleMarkdown, writeScaleSection } from './report.js'
import { toResult, type Family, type ScaleRow } from './row.js'
import { scaleSizes } from './sizes.js'

const FAMILIES: Record<Family, typeof memoryRows> = {
  memory: memoryRows,
  lookup: lookupRows,
  idle: idleRows,
  backlog: backlogRows,
  throughput: throughputRows,
}

/** `--scale=a,b`: only these families (development); all by default. */
function wantedFamilies(argv: readonly string[]): Family[] {
  const named = argv.find((arg) => arg.startsWith('--scale='))?.slice('--scale='.length)
  const all = Object.keys(FAMILIES) as Family[]
  return named ? all.filter((family) => named.split(',').includes(family)) : all
}

/**
 * Runs the scale families and logs each row; with `write`, RESULTS.md's scale section and the
 * SVG plots beside it are rewritten. Resolves with the rows as latest.json lines.
 */
export async function runScale(
  ctx: BenchContext,
  argv: readonly string[],
  dir: URL,
  write: boolean,
): Promise<BenchResult[]> {
  const sizes = scaleSizes(argv)
  const started = Date.now()
  const rows: ScaleRow[] = []
  for (const family of wantedFamilies(argv)) {
    console.log(`  scale: ${family}`)
    for (const row of await FAMILIES[family](ctx, sizes)) {
      rows.push(row)
      const r = toResult(row)
      console.log(
        `    ${r.scenario}: jobq ${r.jobq.toFixed(2)} vs ${r.baseline.toFixed(2)} ${r.unit} (${row.baselineIs}) → ${r.ratio.toFixed(2)}`,
      )
    }
  }
  // Only a full run of every family rewrites RESULTS.md and the plots: a partial or small run
  // would put its fewer or noisier tables in place of the full run's.
  const complete = !argv.some((arg) => arg.startsWith('--scale=')) && sizes === scaleSizes([])
  if (write && !complete) console.log('  (partial or small scale run: RESULTS.md left as it is)')
  if (write && complete) {
    const size = argv.find((arg) => arg.startsWith('--scale-size=')) ?? '--scale-size=full'
    const notes = `Run ${new Date().toISOString()} (${size}, ${sizes.rounds} round(s) where rounds apply), ${Math.round((Date.now() - started) / 1_000)} s.`
    writeScaleSection(dir, scaleMarkdown(rows, await writePlots(dir, rows), notes))
  }
  return rows.map(toResult)
}
