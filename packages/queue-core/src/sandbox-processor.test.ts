import { describe, expect, it } from 'vitest'
import { fixtureRegistry } from '../test/fixtures/registry.js'
import { createLogger } from './logger.js'
import { createSandboxProcessor, type SandboxJob } from './sandbox-processor.js'

const processor = createSandboxProcessor(fixtureRegistry, {
  logger: createLogger({ level: 'silent' }),
})

/** A job as BullMQ hands it to a sandboxed child (opts and failedReason JSON-encoded). */
const copy = (fields: Partial<SandboxJob>): SandboxJob => ({
  id: 'j1',
  name: 'test.add',
  queueName: 'fixtures',
  attemptsMade: 0,
  data: { a: 1, b: 2 },
  opts: JSON.stringify({ attempts: 2 }),
  updateProgress: () => Promise.resolve(),
  moveToWait: () => Promise.resolve(),
  ...fields,
})

describe('sandboxed attempts', () => {
  it('runs a start within the attempts', async () => {
    await expect(processor(copy({ attemptsStarted: 2 }))).resolves.toEqual({ sum: 3 })
  })

  it('refuses a start beyond the attempts before the handler runs, as a permanent failure', async () => {
    const refused = processor(
      copy({ attemptsStarted: 3, attemptsMade: 1, failedReason: JSON.stringify('boom') }),
    )
    await expect(refused).rejects.toMatchObject({
      name: 'UnrecoverableError',
      message:
        'all 2 attempt(s) used: started 2 time(s), interrupted 1 time(s) (crash, lost lock or shutdown); last error: boom',
    })
  })
})
