import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineJob, defineQueue } from '../define-job.js'
import { JobNotFoundError } from '../errors.js'
import { LOG_LINE_BYTES, LOG_LINES } from '../job-log.js'
import type { Logger } from '../logger.js'
import { createOperations } from '../operations/index.js'
import { createRegistry } from '../registry.js'
import { useHarness } from '../testing/index.js'
import { startWorker } from './boot.js'

// Logs `lines` lines (one of them `bigBytes` long when set); fails its first attempt if asked.
const chatty = defineJob({
  name: 'test.chatty',
  queue: 'logs',
  input: z.object({
    lines: z.number().int(),
    bigBytes: z.number().int().default(0),
    failFirst: z.boolean().default(false),
  }),
  output: z.object({ ok: z.boolean() }),
  options: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
  handler: async () => ({
    default: async (
      input: { lines: number; bigBytes: number; failFirst: boolean },
      ctx: { attempt: number; log: Logger },
    ) => {
      for (let i = 0; i < input.lines; i++) ctx.log.info({ i }, 'line %d', i)
      if (input.bigBytes) ctx.log.warn('x'.repeat(input.bigBytes))
      if (input.failFirst && ctx.attempt === 1) {
        ctx.log.error('giving up on this attempt')
        throw new Error('first attempt fails')
      }
      ctx.log.child({ step: 'end' }).info('done')
      return { ok: true }
    },
  }),
})
const registry = createRegistry({ queues: [defineQueue({ name: 'logs' })], jobs: [chatty] })

describe('per-job logs (ctx.log)', () => {
  const h = useHarness({ registry })
  const ops = () => h.producer(createOperations)

  it('keeps each attempt’s lines with its job, in order, the failed attempt’s last line too', async () => {
    await h.worker(startWorker, {})
    const { id } = await ops().jobs.enqueue('test.chatty', { lines: 2, failFirst: true })
    expect(await h.waiter.finished('logs', id)).toMatchObject({ state: 'completed' })
    const page = await ops().jobs.logs(id, { offset: 0, limit: 100 })
    expect(page.state).toBe('completed')
    expect(page.lines.map((l) => [l.attempt, l.level, l.message])).toEqual([
      [1, 'info', 'line 0'],
      [1, 'info', 'line 1'],
      [1, 'error', 'giving up on this attempt'],
      [2, 'info', 'line 0'],
      [2, 'info', 'line 1'],
      [2, 'info', 'done'],
    ])
    expect(page.total).toBe(6)
    expect(page.lines[1]?.fields).toEqual({ i: 1 })
    // A child of ctx.log writes to the job's log too (its bindings are not repeated).
    expect(page.lines[5]?.time).toMatch(/Z$/)
    // Pages: offset and limit, oldest first.
    const tail = await ops().jobs.logs(id, { offset: 4, limit: 10 })
    expect(tail.lines.map((l) => l.message)).toEqual(['line 1', 'done'])
    expect(tail.total).toBe(6)
  })

  it('bounds a job’s log in lines and bytes', async () => {
    await h.worker(startWorker, {})
    const lines = LOG_LINES + 200
    const { id } = await ops().jobs.enqueue('test.chatty', { lines, bigBytes: 10_000 })
    expect(await h.waiter.finished('logs', id)).toMatchObject({ state: 'completed' })
    const page = await ops().jobs.logs(id, { offset: 0, limit: 1_000 })
    expect(page.total).toBe(LOG_LINES)
    // The attempt kept its first LOG_LINES lines, then said how many it did not keep; the list
    // keeps the newest LOG_LINES, so the very first line made room for that note.
    expect(page.lines[0]?.message).toBe('line 1')
    expect(page.lines.at(-1)?.message).toBe(`202 more lines not kept (${LOG_LINES} per attempt)`)
    const key = `${h.prefix}:logs:${id}:logs`
    const stored = await h.redis.lrange(key, 0, -1)
    expect(stored).toHaveLength(LOG_LINES)
    for (const row of stored) expect(Buffer.byteLength(row)).toBeLessThanOrEqual(LOG_LINE_BYTES)
  })

  it('cuts a long line at LOG_LINE_BYTES with a marker', async () => {
    await h.worker(startWorker, {})
    const { id } = await ops().jobs.enqueue('test.chatty', { lines: 0, bigBytes: 10_000 })
    await h.waiter.finished('logs', id)
    const [big] = (await ops().jobs.logs(id, { offset: 0, limit: 1 })).lines
    expect(big?.level).toBe('warn')
    expect(big?.message).toMatch(/^x+… \[cut \d+ bytes\]$/)
  })

  it('goes when its job goes (clean), and the read answers 404 after', async () => {
    await h.worker(startWorker, {})
    const { id } = await ops().jobs.enqueue('test.chatty', { lines: 3 })
    await h.waiter.finished('logs', id)
    const key = `${h.prefix}:logs:${id}:logs`
    expect(await h.redis.llen(key)).toBe(4)
    const cleaned = await ops().queues.clean('logs', { state: 'completed', olderThanMs: 0 })
    expect(cleaned.affected).toBeGreaterThanOrEqual(1)
    expect(await h.redis.exists(key)).toBe(0)
    await expect(ops().jobs.logs(id, { offset: 0, limit: 10 })).rejects.toBeInstanceOf(
      JobNotFoundError,
    )
  })
})
