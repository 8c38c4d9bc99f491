import { describe, expect, it } from 'vitest'
import { toBackendError } from './errors.js'

// Redis's own words (7.0), as ioredis hands them over, directly and from inside a Lua script.
const REPLIES: [string, string | undefined][] = [
  ["OOM command not allowed when used memory > 'maxmemory'.", 'out-of-memory'],
  [
    "OOM command not allowed when used memory > 'maxmemory'. script: 5ab4, on @user_script:589.",
    'out-of-memory',
  ],
  [
    "READONLY You can't write against a read only replica. script: 5ab4, on @user_script:589.",
    'read-only',
  ],
  ['LOADING Redis is loading the dataset in memory', 'loading'],
  [
    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
    'master-down',
  ],
  [
    'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
    'busy',
  ],
  ['Ready check failed: NOAUTH Authentication required.', 'auth'],
  ['WRONGPASS invalid username-password pair or user is disabled.', 'auth'],
  ["NOPERM this user has no permissions to run the 'set' command", 'permission'],
  [
    "ERR The user executing the script can't run this command or subcommand script: 5ab4",
    'permission',
  ],
  ["Stream isn't writeable and enableOfflineQueue options is false", 'unreachable'],
  ['connect ECONNREFUSED 127.0.0.1:6379', 'unreachable'],
  // Not refusals: a job id or a script's own error that merely contains the words.
  ['Missing key for job LOADING. moveToFinished', undefined],
  ['WRONGTYPE Operation against a key holding the wrong kind of value', undefined],
  ['Job BUSY could not be removed because it is locked by another worker', undefined],
]

describe('toBackendError', () => {
  it.each(REPLIES)('%s → %s', (message, failure) => {
    expect(toBackendError(new Error(message))?.failure).toBe(failure)
  })

  it('keeps Redis’s first line in the message and asks for a longer wait when full', () => {
    const err = toBackendError(new Error("OOM command not allowed when used memory > 'maxmemory'."))
    expect(err?.message).toMatch(/is full .*\(redis: OOM command not allowed/)
    expect(err?.retryAfterSeconds).toBe(30)
    expect(toBackendError(new Error('connect ECONNREFUSED'))?.retryAfterSeconds).toBe(1)
  })
})
