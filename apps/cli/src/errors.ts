/** A command line that cannot be carried out as written: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** The command ran and failed (a job failed, Redis is away): exit code 1. */
export class CommandFailedError extends Error {
  override readonly name = 'CommandFailedError'
}
