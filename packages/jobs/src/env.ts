import { intEnv, parseEnv } from '@jobq/queue-core'
import { z } from 'zod'

/** The demo jobs' settings; the only file of this package that reads `process.env`. */
export function demoEnv() {
  return parseEnv(
    {
      JOBQ_DEMO_FILE: z.string().min(1).default('.jobq/large_file.txt'),
      JOBQ_DEMO_FILE_MB: intEnv(1, 65_536, 16),
    },
    process.env,
  )
}
