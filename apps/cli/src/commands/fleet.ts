import type { Command } from 'commander'
import type { ScheduleView } from '@jobq/queue-core'
import { withContext } from '../command-kit.js'
import { color, printJson, table } from '../output.js'
import { workerTable } from './info.js'

/** The fleet reads (`fleet.*`, as on `/v1/workers` and `/v1/schedules`). */
export function registerFleet(program: Command): void {
  program
    .command('workers')
    .description('the live worker processes: state, queues, current jobs, heartbeat, counts')
    .option('--json', 'print JSON for scripts')
    .action(async (options: { json?: boolean }, command: Command) =>
      withContext(command, async (ctx) => {
        const workers = await ctx.ops.fleet.workers()
        if (options.json) return printJson({ workers })
        console.log(workers.length ? workerTable(workers) : color.dim('no workers running'))
      }),
    )

  program
    .command('schedules')
    .description('the job schedules (cron) of every queue, soonest next run first')
    .option('--json', 'print JSON for scripts')
    .action(async (options: { json?: boolean }, command: Command) =>
      withContext(command, async (ctx) => {
        const schedules = await ctx.ops.fleet.schedules()
        if (options.json) return printJson({ schedules })
        console.log(schedules.length ? scheduleTable(schedules) : color.dim('no schedules'))
      }),
    )
}

function scheduleTable(schedules: ScheduleView[]): string {
  return table(
    ['JOB', 'QUEUE', 'PATTERN', 'TZ', 'MISSED', 'OVERLAP', 'LAST RUN', 'SKIPPED', 'NEXT'],
    schedules.map((s) => [
      s.job,
      s.queue,
      s.pattern ?? '-',
      s.tz ?? '-',
      policyText(s.missed),
      s.overlap ?? '-',
      s.lastRun ? `${s.lastRun.scheduledAt} ${s.lastRun.state}` : '-',
      String(s.skipped.count),
      s.next ?? '-',
    ]),
  )
}

/** `'skip'`, `'once'`, or `catch-up N`; `-` for a schedule the registry does not define. */
function policyText(missed: ScheduleView['missed']): string {
  if (missed === null) return '-'
  return typeof missed === 'string' ? missed : `catch-up ${missed.catchUp}`
}
