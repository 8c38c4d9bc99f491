import { createRegistry } from '@jobq/queue-core'
import { bigFile } from './demo/big-file.js'
import { echo } from './demo/echo.js'
import { greet } from './demo/greet.js'
import { ledger } from './demo/ledger.js'
import { order } from './demo/order.js'
import { refresh } from './demo/refresh.js'
import { row } from './demo/row.js'
import { rows } from './demo/rows.js'
import { sleep } from './demo/sleep.js'
import { tenantTask } from './demo/tenant-task.js'
import { bigFileQueue, defaultQueue } from './queues.js'
import { reportsQueue } from './reports/queues.js'
import { summarize } from './reports/summarize.js'

/**
 * Every job jobq knows. Adding a job: a definition file, a handler file, one line below.
 * Importing this never loads handler code.
 */
export const registry = createRegistry({
  queues: [defaultQueue, bigFileQueue, reportsQueue],
  jobs: [echo, sleep, bigFile, rows, row, summarize, tenantTask, refresh, greet, order, ledger],
})

export type AppRegistry = typeof registry
export { bigFile, echo, greet, ledger, order, refresh, row, rows, sleep, summarize, tenantTask }
export { bigFileQueue, defaultQueue, reportsQueue }

// The shapes the HTTP API answers, for @jobq/client (which may import types from here only).
export type {
  BulkEnqueued,
  EnqueuedJob,
  EnqueueOptions,
  InputOf,
  InputOfVersion,
  WatchEvent,
  JobState,
  JobView,
  OutputOf,
  QueueSummary,
} from '@jobq/queue-core'
