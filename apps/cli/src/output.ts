import Table from 'cli-table3'
import pc from 'picocolors'

/** Colours only on a terminal (picocolors also honours NO_COLOR, FORCE_COLOR and --no-color). */
export const color = pc

/** Prints a value as indented JSON: what `--json` gives scripts. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

/** A table with a bold header row; plain text when colours are off. */
export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({
    head: head.map((h) => color.bold(h)),
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  })
  t.push(...rows.map((row) => row.map(String)))
  return t.toString()
}

/** "3s ago", "2m ago": how old an ISO time is, for humans. */
export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return '-'
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1_000))
  if (seconds < 60) return `${seconds}s ago`
  if (seconds < 3_600) return `${Math.floor(seconds / 60)}m ago`
  if (seconds < 86_400) return `${Math.floor(seconds / 3_600)}h ago`
  return `${Math.floor(seconds / 86_400)}d ago`
}

/** Colours a job or worker state the way people expect (red failed, green done, …). */
export function paintState(state: string): string {
  switch (state) {
    case 'completed':
    case 'idle':
      return color.green(state)
    case 'failed':
      return color.red(state)
    case 'active':
    case 'busy':
      return color.cyan(state)
    case 'delayed':
    case 'stopping':
    case 'starting':
      return color.yellow(state)
    default:
      return state
  }
}
