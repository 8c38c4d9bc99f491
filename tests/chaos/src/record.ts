/** How a handler run ended, as the handler itself recorded it. */
type RunOutcome = 'completed' | 'failed' | 'parked' | 'aborted'

/** One run of a handler: a `start` line and, unless its process died first, an `end` line. */
export interface Run {
  jobId: string
  /** ctx.attempt as the handler saw it. */
  attempt: number
  pid: number
  startAt: number
  endAt?: number
  /** Missing: the process died (or the run never returned) before the handler finished. */
  outcome?: RunOutcome
}

/**
 * Parses the chaos handlers' record file (`start <id> <attempt> <pid> <ms>`,
 * `end <id> <outcome> <pid> <ms>`) into each job's runs, in start order. An `end` closes the
 * latest open run of the same job in the same process.
 */
export function parseRuns(text: string): Map<string, Run[]> {
  const runs = new Map<string, Run[]>()
  for (const line of text.split('\n')) {
    const [event, jobId, detail, pid, at] = line.split(' ')
    if (!jobId || !detail || !pid || !at) continue
    const list = runs.get(jobId) ?? []
    runs.set(jobId, list)
    if (event === 'start') {
      list.push({ jobId, attempt: Number(detail), pid: Number(pid), startAt: Number(at) })
    } else if (event === 'end') {
      const open = list.findLast((run) => run.pid === Number(pid) && run.outcome === undefined)
      if (open) {
        open.outcome = detail as RunOutcome
        open.endAt = Number(at)
      }
    }
  }
  return runs
}
