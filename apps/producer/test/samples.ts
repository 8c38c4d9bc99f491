/**
 * One valid payload per registry job. Tests that walk every job use it; a test fails (naming
 * the job) when a job is added without a sample here.
 */
export const samples: Record<string, unknown> = {
  'demo.echo': { hello: 'world' },
  'demo.sleep': { ms: 1, message: 'x' },
  'demo.big-file': {},
  'demo.rows': { rows: [{ a: 1 }] },
  'demo.row': { index: 0, row: { a: 1 } },
  'demo.tenant-task': { tenant: 'acme', ms: 1 },
  'reports.summarize': { title: 'weekly', values: [1, 2, 3] },
  'demo.refresh': { key: 'home-page' },
  'demo.greet': { firstName: 'Ada', lastName: 'Lovelace' },
  'demo.order': { customerId: 'c42', region: 'eu', amount: 12.5 },
  'demo.ledger': { rows: [{ amount: 2 }, { amount: 3 }], checkpointEvery: 1 },
}
