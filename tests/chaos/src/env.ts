/** The only place the chaos run reads the environment. */
export const chaosEnv = {
  /** `npm test` sums every suite's test counts in this file (scripts/summary-reporter.ts). */
  totalsFile: process.env.JOBQ_TEST_TOTALS_FILE,
}
