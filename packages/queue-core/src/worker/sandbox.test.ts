import { describe, expect, it } from 'vitest'
import { fixtureRegistry } from '../../test/fixtures/registry.js'
import { createLogger } from '../logger.js'
import { createSandboxProcessor, sandboxProcessorUrl, type SandboxJob } from './sandbox.js'

const processor = await createSandboxProcessor(fixtureRegistry, {
  moduleUrl: sandboxProcessorUrl('/srv/processor.js', 'fixtures').href,
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

describe('sandboxProcessorUrl', () => {
  it('names the queue on the processor file URL, from a path or a URL', () => {
    expect(sandboxProcessorUrl('/srv/my app/processor.js', 'big_file').href).toBe(
      'file:///srv/my%20app/processor.js?queue=big_file',
    )
    const url = new URL('file:///srv/processor.js')
    expect(sandboxProcessorUrl(url, 'default').href).toBe('file:///srv/processor.js?queue=default')
    expect(url.search).toBe('') // the caller's URL is left alone
  })
})
