/**
 * jobq's version, written into every worker record. A constant rather than a package.json import
 * so the bundled apps carry it without JSON imports; `version.test.ts` keeps the two equal.
 */
export const JOBQ_VERSION = '0.1.0'
